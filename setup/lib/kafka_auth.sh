# Kafka authentication for the native stacks: one user per component, its
# password generated once into var/<profile>/secrets (mode 600) and reused.
# The broker is configured in kafka.sh; ACLs are set by
# `pipeline-admin kafka-acls` (stack.sh), the same command the compose init
# job runs.
#
# Why PLAIN as well as SCRAM: librdkafka before 2.6.1 (Debian ships 2.0.2)
# builds a SCRAM client-final-message that Kafka 4 brokers reject (a doubled
# nonce, librdkafka#4895), so our C++ clients log in with SASL/PLAIN. The
# broker also keeps SCRAM-SHA-512 users with the same passwords for the Java
# tools and for clients built on a fixed librdkafka. PLAIN sends the password
# in clear text: fine on loopback; across a network use sasl_ssl.
# shellcheck shell=bash

KAFKA_SCRAM_MECHANISM=SCRAM-SHA-512
# pipeline-admin is the super user (topics, ACLs, test fixtures, operator tools).
KAFKA_USERS="pipeline-admin outbox-relay replication-worker notification-worker"

kafka_secrets_dir() { echo "$VAR_DIR/secrets"; }
kafka_password_file() { echo "$(kafka_secrets_dir)/kafka-$1.password"; }
kafka_password() { cat "$(kafka_password_file "$1")"; }
# The admin client settings for kcat (-F, or KCAT_CONFIG in var/<profile>/env).
kafka_admin_kcat_config() { echo "$(kafka_secrets_dir)/kafka-admin.kcat.conf"; }
# The same for the Java tools (--command-config).
kafka_admin_java_config() { echo "$(kafka_secrets_dir)/kafka-admin.properties"; }

# kafka_ensure_secrets: a random password per user, kept across reruns.
kafka_ensure_secrets() {
  local user file
  mkdir -p "$(kafka_secrets_dir)"
  chmod 700 "$(kafka_secrets_dir)"
  for user in $KAFKA_USERS; do
    file=$(kafka_password_file "$user")
    [ -s "$file" ] && continue
    # Letters, digits, - and _ only: nothing to quote in JAAS or --add-scram.
    (umask 077 && /usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$file")
  done
  (umask 077 && cat >"$(kafka_admin_kcat_config)" <<CONF
security.protocol=sasl_plaintext
sasl.mechanisms=PLAIN
sasl.username=pipeline-admin
sasl.password=$(kafka_password pipeline-admin)
CONF
  )
  (umask 077 && cat >"$(kafka_admin_java_config)" <<CONF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=$(kafka_plain_login pipeline-admin)
CONF
  )
}

kafka_plain_login() {
  echo "org.apache.kafka.common.security.plain.PlainLoginModule required" \
    "username=\"$1\" password=\"$(kafka_password "$1")\";"
}

# The broker's PLAIN settings: its own login, then one user_<name> per user.
kafka_plain_jaas_config() {
  local user line
  line="org.apache.kafka.common.security.plain.PlainLoginModule required"
  line+=" username=\"pipeline-admin\" password=\"$(kafka_password pipeline-admin)\""
  for user in $KAFKA_USERS; do line+=" user_$user=\"$(kafka_password "$user")\""; done
  echo "$line;"
}

# StorageTool arguments that create every SCRAM user when storage is formatted.
kafka_scram_format_args() {
  local user
  for user in $KAFKA_USERS; do
    printf -- '--add-scram\n%s=[name=%s,password=%s]\n' "$KAFKA_SCRAM_MECHANISM" "$user" \
      "$(kafka_password "$user")"
  done
}

# SCRAM users of an already formatted data folder (an older plaintext
# checkout, a user added since, a password file deleted) are created or
# re-keyed through the Admin API, logged in as pipeline-admin with PLAIN. Each
# user is listed beside the data with a fingerprint of its password, so a
# normal restart skips the JVM calls.
kafka_scram_marker() { echo "$KAFKA_DIR/scram-users"; }
kafka_scram_marker_line() { echo "$1 $(sha256sum <"$(kafka_password_file "$1")" | cut -c1-16)"; }

kafka_record_scram_users() {
  local user
  for user in $KAFKA_USERS; do kafka_scram_marker_line "$user"; done >"$(kafka_scram_marker)"
}

kafka_ensure_scram_users() {
  local user
  for user in $KAFKA_USERS; do
    grep -qxF -- "$(kafka_scram_marker_line "$user")" "$(kafka_scram_marker)" 2>/dev/null && continue
    log "setting Kafka SCRAM user $user"
    java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$PROJECT_ROOT/setup/kafka/log4j2.properties" \
      kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_BROKERS" \
      --command-config "$(kafka_admin_java_config)" \
      --alter --entity-type users --entity-name "$user" \
      --add-config "$KAFKA_SCRAM_MECHANISM=[password=$(kafka_password "$user")]" \
      >>"$LOG_DIR/kafka-users.log" 2>&1 ||
      fail_service "Kafka SCRAM user $user" "$LOG_DIR/kafka-users.log"
  done
  kafka_record_scram_users
}

# The flags that make one of our executables log in as USER.
kafka_identity_flags() {
  echo "--kafka-security-protocol sasl_plaintext --kafka-sasl-mechanism PLAIN" \
    "--kafka-user $1 --kafka-password-file $(kafka_password_file "$1")"
}

# kafka_app_identity_flags NAME: the identity of process NAME of apps.sh
# (customer-api never talks to Kafka and has none).
kafka_app_identity_flags() {
  case "$1" in
    outbox-relay | replication-worker | notification-worker) kafka_identity_flags "$1" ;;
  esac
}

# Lines of var/<profile>/env: pipeline-admin is the default identity of a
# shell (or test run) that sources it, kcat included; KAFKA_SECRETS_DIR holds
# every user's password file for starting a component as itself.
kafka_env_lines() {
  echo "export KAFKA_SECURITY_PROTOCOL=sasl_plaintext KAFKA_SASL_MECHANISM=PLAIN"
  echo "export KAFKA_USER=pipeline-admin KAFKA_PASSWORD_FILE=$(kafka_password_file pipeline-admin)"
  echo "export KAFKA_SECRETS_DIR=$(kafka_secrets_dir) KCAT_CONFIG=$(kafka_admin_kcat_config)"
}
