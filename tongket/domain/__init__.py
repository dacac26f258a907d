"""Pure rules and arithmetic: no Django, no ORM, no I/O."""
