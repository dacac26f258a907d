"""Administrative units (provinces, wards, neighbourhoods) and their history."""
