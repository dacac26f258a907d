"""Party organizations and members."""
