"""Mass mobilization (công tác dân vận): programmes, activities, projects and citizens' cases."""
