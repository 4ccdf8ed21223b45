"""The project's database back-ends (Django's, with what is said in each module)."""
