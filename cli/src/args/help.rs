//! The examples shown after `--help`.

pub(super) const LONG_ABOUT: &str = "\
Manage Flyte secrets and run tasks with their secrets injected.

The verbs and flags are those of the Python `flyte` CLI. The endpoint, TLS and organization
come from the Python SDK's config file and FLYTE_* env vars (admin.endpoint,
FLYTE_ADMIN_ENDPOINT, ...); the flags below override them.

With no endpoint configured anywhere, the secret commands, `flyte run` and `flyte check`
use the local secret service in your data directory (e.g. ~/.local/share/flyte), started
inside the command for its duration: nothing to start by hand.";

pub(super) const MAIN: &str = "\
Examples:
  flyte create secret db-password            # prompts for the value, hidden
  printf %s \"$TOKEN\" | flyte create secret api-token
  flyte get secret
  flyte get secret -o json
  flyte run ./target/debug/my-tasks my_task  # injects the task's declared secrets
  flyte check ./target/debug/my-tasks        # are the tasks' secrets where a cluster looks?
  flyte --endpoint dns:///flyte.example.com get secret -p my-project -d development
  flyte serve --listen 127.0.0.1:8090

Exit codes: 0 ok, 1 error, 2 usage error, 3 the task did not start (`flyte run`: a
secret missing, the service unreachable); otherwise `flyte run` exits with the task's code,
`flyte check` with 1 when a secret is missing.
Set NO_COLOR to turn colors off.";

pub(super) const CREATE_SECRET: &str = "\
Examples:
  flyte create secret my-secret                       # hidden prompt on a terminal
  printf %s \"$VALUE\" | flyte create secret my-secret  # from stdin (one final newline dropped)
  flyte create secret my-secret --from-file ./key.pem
  flyte create secret my-secret --value my-value      # visible in shell history: avoid
  flyte create secret my-secret -p my-project -d development
  flyte create secret ghcr --type image_pull --registry ghcr.io --username me   # password prompted
  flyte create secret regcreds --type image_pull --from-docker-config --registries ghcr.io,docker.io
  flyte create secret regcreds --type image_pull      # prompts for registry, username, password

Without -p/-d the secret is organization-wide. Image pull secrets are always
organization-wide. The value is never printed.";

pub(super) const UPDATE_SECRET: &str = "\
Examples:
  flyte update secret my-secret                       # hidden prompt on a terminal
  printf %s \"$NEW\" | flyte update secret my-secret
  flyte update secret my-secret --from-file ./new-key.pem -p my-project -d development
  flyte update secret regcreds --type image_pull --from-docker-config";

pub(super) const GET_SECRET: &str = "\
Examples:
  flyte get secret                       # every organization-wide secret, as a table
  flyte get secret -p my-project -d development
  flyte get secret my-secret             # one secret, as JSON
  flyte get secret -o json | jq '.[].id.name'

Values are never shown: the service does not return them.";

pub(super) const DELETE_SECRET: &str = "\
Examples:
  flyte delete secret my-secret
  flyte delete secret my-secret -p my-project -d development";

pub(super) const RUN: &str = "\
Examples:
  flyte run ./target/debug/examples/task_fixtures env_task
  flyte run ./my-tasks my_task -p my-project -d development
  flyte run ./my-tasks my_task --env RUST_LOG=debug --env AWS_PROFILE
  flyte run ./my-tasks add --n 4 --label \"a b\"                 # the task's inputs
  flyte run --env RUST_LOG=debug ./my-tasks deploy --env prod  # deploy has an input `env`

Options after TASK are this command's (or global ones) up to the first argument that is
not; from there on everything is the task's, as after `--`. An option named like one of the
task's inputs (`--env` for an input `env`, `--project`, `--data-dir` for `data_dir`) is the
task's input, as in the Python `flyte run`: give this command's own before BINARY then.

The task's declared secrets are looked up, first hit wins: the environment of this command
(an env var under any Flyte injector's name, or a file under $FLYTE_SECRETS_DEFAULT_DIR or
/etc/flyte/secrets in any injector's layout), the dotenv file (secrets.file,
FLYTE_SECRETS_FILE, default .flyte/secrets.env), then the secret service (the configured
endpoint, else the local service) as a Flyte cluster asks it: by key, in project+domain,
then domain, then organization-wide scope; project and domain come from -p/-d, else
task.project/task.domain (FLYTE_TASK_PROJECT, FLYTE_TASK_DOMAIN). The task gets env
secrets under their declared names and file secrets as <dir>/<key> in a private directory
named in $FLYTE_SECRETS_DEFAULT_DIR, removed when it ends. If any secret is missing the
task does not start and every place looked is listed.

The task starts with a Flyte pod's environment, not this command's: its secrets, PATH, HOME,
USER, LANG, LC_*, TZ, TMPDIR, TERM, FLYTE_SECRETS_ROOT, the FLYTE_INTERNAL_* execution
variables, ACTION_NAME, RUN_NAME and _U_ORG_NAME; anything else only with --env.
SIGINT, SIGTERM and SIGHUP are passed on to the task; its files are removed, and this
command exits with the task's status (128 + signal when a signal ended it), 3 when it did
not start (as BINARY run), 2 on a usage error.
Every secret value (6 bytes or longer) is replaced by <secret:NAME> in the task's stdout and
stderr; --no-masking (or FLYTE_NO_MASKING=1) shows the output as the task wrote it.";

pub(super) const CHECK: &str = "\
Examples:
  flyte check ./target/debug/my-tasks                  # every task of the binary
  flyte check ./target/debug/my-tasks my_task -p my-project -d development
  flyte check ./my-tasks -o json | jq '.tasks[].secrets[] | select(.status == \"missing\")'

For each declared secret the service is asked (metadata only, never a value) where a Flyte
cluster looks: by key in project+domain, then in the domain, then organization-wide. A
grouped secret found only under its old name `<group>-<key>` is reported missing: a cluster
does not read that name. Project and domain come from -p/-d, else task.project/task.domain
(FLYTE_TASK_PROJECT, FLYTE_TASK_DOMAIN).

Exit codes: 0 every secret found, 1 a secret missing or the service failed, 2 usage error
(unknown task, not a task binary).";

pub(super) const LOGOUT: &str = "\
Examples:
  flyte logout
  flyte logout --endpoint dns:///flyte.example.com

The tokens are the Python SDK's keyring items, so this also logs the Python CLI out.";

pub(super) const AUTH_LOGIN: &str = "\
Examples:
  flyte auth login                                  # admin.authType, default pkce (a browser)
  flyte --auth-type headless auth login             # the device flow: a code to enter elsewhere
  FLYTE_ADMIN_CLIENTID=ci FLYTE_ADMIN_CLIENTSECRETENVVAR=CI_SECRET \\
    flyte --auth-type client-secret auth login

Where to log in comes from the endpoint's AuthMetadataService (admin.tokenUrl, admin.clientId and
admin.scopes override it). Other commands log in by themselves when the endpoint answers
unauthenticated and the cached tokens cannot be refreshed.";

pub(super) const AUTH_STATUS: &str = "\
Examples:
  flyte auth status
  flyte auth status --endpoint dns:///flyte.example.com";

pub(super) const COMPLETION: &str = "\
Examples:
  flyte completion bash > ~/.local/share/bash-completion/completions/flyte
  flyte completion zsh > \"${fpath[1]}/_flyte\"
  flyte completion fish > ~/.config/fish/completions/flyte.fish";

pub(super) const SERVE: &str = "\
Examples:
  flyte serve                                  # 127.0.0.1:8090, data in ~/.local/share/flyte
  flyte serve --listen 127.0.0.1:0 --data-dir ./flyte-data
  flyte serve --listen 0.0.0.0:8090 --tokens ./tokens.txt --tls-cert cert.pem --tls-key key.pem
  flyte serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem \\
      --oidc-issuer https://idp.example.com --oidc-audience https://flyte.example.com \\
      --policy ./policy.txt
  # A replica of several on one Postgres database, all with the same key:
  FLYTE_SERVER_STORE=postgres://flyte:PASSWORD@db.internal:5432/flyte \
      flyte serve --key-file /etc/flyte/shared.key --data-dir /var/lib/flyte
  flyte serve reseal --store ... --key-file ...  # after a key rotation (see reseal --help)
  flyte serve --store openbao://bao.internal:8200/secret --store-token-file ./bao-token

It prints one line on stdout once it listens, e.g.
  flyte serve: listening on http://127.0.0.1:8090 (loopback only, no auth)
Point clients at it with --endpoint http://127.0.0.1:8090 or FLYTE_ADMIN_ENDPOINT.";
