# pvp-cds: the CDS Hooks service as a container image.
#
#   docker build -t pvp-cds .
#   docker run --read-only --tmpfs /tmp -p 8080:8080 -p 9464:9464 \
#     -v /path/to/config:/config:ro \
#     -e PVP_CDS_TRUSTED_CLIENTS_FILE=/config/trusted-clients.yaml \
#     -e PVP_CDS_PUBLIC_BASE_URL=https://cds.example.org pvp-cds
#
# Configuration comes only from PVP_CDS_* variables and mounted files; the image holds no
# secret. docs/operations.md has the rest.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the project's wheel and the wheels of everything it needs -------------------------
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir "build>=1.2"
COPY pyproject.toml README.md ./
COPY scoring ./scoring
COPY fhir_mappings ./fhir_mappings
COPY cds_service ./cds_service
COPY devtools ./devtools
COPY pvp_cds ./pvp_cds
COPY validation ./validation
# With the extras the deployment's commands need: postgresql for PVP_CDS_DATABASE_URL, redis for
# PVP_CDS_REPLAY_STORE=redis, validate for `pvp-cds monitor` (the monthly CronJob). The service
# itself never imports the latter.
RUN python -m build --wheel --outdir /wheels . \
    && python -m pip wheel --no-cache-dir --wheel-dir /wheels \
        "$(ls /wheels/pvp_cds-*.whl)[postgresql,redis,validate]"

# --- runtime: the wheels installed, no compiler, no tests, no pip, not root --------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/pvp-cds-metrics \
    PVP_CDS_DATA_DIR=/var/lib/pvp-cds \
    PVP_CDS_METRICS_PORT=9464
RUN groupadd --system --gid 10001 pvp-cds \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin pvp-cds \
    && install -d -o 10001 -g 10001 /var/lib/pvp-cds
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links=/wheels \
        "pvp-cds[postgresql,redis,validate]" \
    && rm -rf /wheels \
    && python -m pip uninstall --yes pip setuptools wheel
# Root stays read-only at run time: only /tmp (a tmpfs or emptyDir) is written, for gunicorn's
# worker heartbeats and the metrics files, and PVP_CDS_DATA_DIR (a volume), for records waiting
# for the database.
USER 10001:10001
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/health/live', timeout=2).status != 200)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["pvp-cds", "serve"]
CMD ["--host", "0.0.0.0", "--port", "8080"]
