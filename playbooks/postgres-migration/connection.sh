# Sourced by the commands of playbook.yml: the PostgreSQL connection, from the playbook's vars
# (which Belay passes as BELAY_VAR_*). Outside Belay the usual PGHOST, PGPORT, PGDATABASE and PGUSER
# apply; PGPASSWORD, when the server wants one, always comes from the environment.
export PGHOST=${BELAY_VAR_PGHOST:-${PGHOST:-127.0.0.1}}
export PGPORT=${BELAY_VAR_PGPORT:-${PGPORT:-5432}}
export PGDATABASE=${BELAY_VAR_PGDATABASE:-${PGDATABASE:-app}}
export PGUSER=${BELAY_VAR_PGUSER:-${PGUSER:-postgres}}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
