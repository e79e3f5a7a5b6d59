"""Teaching logic over a trace: explain a cell, choose the notes, ask and diagnose quiz questions."""
