"""Imports and exports of the interchange formats (docs: INTERCHANGE.md).

readers (file → header and raw rows) → kinds (pure: raw row → record | RowError) →
apply (plan create/update/unchanged, then one all-or-nothing transaction through the services);
export writes the same formats back.
"""
