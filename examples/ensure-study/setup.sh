#!/usr/bin/env bash
# The ensure-study platform's MinIO set-up script, with `cairn` in place of `mc`: an alias, the
# four buckets, anonymous download of classroom thumbnails, and the application's user whose
# policy allows s3:* on objects of the ensure-study-* buckets and nothing else.
#
#   CAIRN_ENDPOINT        the server (default http://localhost:9000)
#   MINIO_ROOT_USER       root credentials (default minioadmin / minioadmin123)
#   MINIO_ROOT_PASSWORD
#   ENSURE_STUDY_SECRET   the application user's secret key (default ensure-study-secret)
#   CAIRN_CONFIG_DIR      where `cairn alias set` keeps the alias (default ~/.cairn)
set -euo pipefail
set -f  # the thumbnails prefix has a literal `*`: never let the shell expand it
cd "$(dirname "$0")"

cairn alias set local "${CAIRN_ENDPOINT:-http://localhost:9000}" "${MINIO_ROOT_USER:-minioadmin}" "${MINIO_ROOT_PASSWORD:-minioadmin123}"
cairn mb -p local/ensure-study-documents
cairn mb -p local/ensure-study-recordings
cairn mb -p local/ensure-study-ocr
cairn mb -p local/ensure-study-mlflow
cairn anonymous set download local/ensure-study-documents/classrooms/*/thumbnails/

cairn admin policy create local ensure-study-policy ensure-study-policy.json
cairn admin user add local ensure-study "${ENSURE_STUDY_SECRET:-ensure-study-secret}"
cairn admin policy attach local ensure-study-policy --user ensure-study
