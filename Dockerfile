FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/portal/app
COPY pyproject.toml README.md manage.py ./
COPY portal portal
COPY policies policies
COPY access access
COPY records records
COPY search search
RUN pip install --no-cache-dir .
RUN useradd --system --home /srv/portal portal && mkdir -p /srv/portal/media /srv/portal/static \
 && chown -R portal /srv/portal
USER portal
EXPOSE 8000
