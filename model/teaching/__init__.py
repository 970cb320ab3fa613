"""Teaching: a seat at the terminal (play), a class in the browser (classroom), and the worksheets (exercises)."""
