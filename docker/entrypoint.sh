#!/bin/sh
# The image's entrypoint: read secrets from files, check what a role needs, run the role.
#
#   web        gunicorn (eia/gunicorn_conf.py): as many containers as you like
#   worker     a Celery worker: as many as you like
#   scheduler  Celery beat: exactly one, always (two would send every reminder twice)
#   migrate    `eia db upgrade`, run once per release before web and worker start
#   eia ...    any `eia` command (`eia users create-admin ...`)
#   anything else is run as given (sh, python)
#
# Secrets: for each NAME below, NAME_FILE names a file holding its value (a mounted
# secret, such as /run/secrets/secret_key); the value is read from it into NAME. Setting
# both is refused. SECRET_KEY must be given (the same for every container: sessions signed
# by one web container must be read by the next), never made up here.
# EIA_ENTRYPOINT_DRY_RUN=1 prints the command instead of running it (tests).
set -eu

SECRETS="SECRET_KEY DATABASE_URL REDIS_URL SMTP_PASSWORD SMTP_USERNAME OIDC_CLIENT_SECRET
OIDC_CLIENT_PRIVATE_KEY METRICS_TOKEN SENTRY_DSN"

fail() {
    echo "eia-entrypoint: $*" >&2
    exit 78  # EX_CONFIG
}

for name in $SECRETS; do
    eval "file=\${${name}_FILE:-}"
    [ -n "$file" ] || continue
    eval "given=\${${name}:-}"
    [ -z "$given" ] || fail "both $name and ${name}_FILE are set: set one"
    [ -r "$file" ] || fail "${name}_FILE names $file, which cannot be read"
    value=$(cat "$file")  # (without its trailing newlines)
    [ -n "$value" ] || fail "${name}_FILE names $file, which is empty"
    export "$name=$value"
    unset "${name}_FILE"
done

role="${1:-web}"
[ "$#" -eq 0 ] || shift

case "$role" in
    web | worker | scheduler)
        [ -n "${SECRET_KEY:-}" ] || fail "SECRET_KEY (or SECRET_KEY_FILE) must be set for $role: \
the same long random value for every container (python3 -c 'import secrets; \
print(secrets.token_hex(32))')"
        [ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL (or DATABASE_URL_FILE) must be set for $role"
        ;;
    migrate)
        [ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL (or DATABASE_URL_FILE) must be set for migrate"
        ;;
esac

case "$role" in
    web) set -- gunicorn --config python:eia.gunicorn_conf "$@" "eia:create_app()" ;;
    worker)
        set -- celery -A celery_worker worker --loglevel "${LOG_LEVEL:-INFO}" \
            --concurrency "${WORKER_CONCURRENCY:-2}" "$@"
        ;;
    scheduler)
        set -- celery -A celery_worker beat --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${EIA_INSTANCE_PATH:-/tmp}/celerybeat-schedule" "$@"
        ;;
    migrate) set -- eia db upgrade "$@" ;;
    eia) set -- eia "$@" ;;
    *) set -- "$role" "$@" ;;
esac

if [ -n "${EIA_ENTRYPOINT_DRY_RUN:-}" ]; then
    printf '%s\n' "$*"
    exit 0
fi
exec "$@"
