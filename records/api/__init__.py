"""The REST API under /api/v1/ (Django REST framework, described by drf-spectacular at
/api/schema/): cases, their stage records, documents and audio/video records, each read
through the access gate and logged before it is sent (第二十八条, 第二十九条). The
docking-station upload at /api/v1/uploads/ is records/upload_endpoint.py (plain ASGI, routed
before Django by portal/asgi.py); views.UploadDescriptionView only describes it in the schema.
"""
