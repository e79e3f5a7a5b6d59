"""Files in and out: read and check scenario files, generate scenarios, write the JSON form and files safely."""
