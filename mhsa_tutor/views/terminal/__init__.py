"""The terminal view: Rich tables, the stepper, the list of built-ins."""
