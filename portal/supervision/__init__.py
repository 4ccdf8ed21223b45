"""Supervision by the legal office (第三十条) and rectification (第三十一条): the dashboard's
counts (figures.py, counted in the database), deadline warnings (deadline_warnings.py), the
yearly review export (export.py), rectification notices (models.py, services.py), charts drawn
on the server (charts.py) and the views (views.py, urls.py)."""
