"""Who works on which family: handing a leaver's families over, access granted by an
administrator taking effect only after a second person approves (four eyes), and the
families nobody looks after (issue 9 §4–§5)."""
