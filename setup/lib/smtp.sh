# SMTP sink: aiosmtpd stores every message it receives in a Maildir at
# var/<profile>/mail (new/ holds one file per message).
# shellcheck shell=bash

smtp_ready() {
  local banner
  exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" || return 1
  read -r -t 2 banner <&3 || banner=""
  printf 'QUIT\r\n' >&3
  exec 3>&-
  [[ "$banner" == 220* ]]
}

smtp_start() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$MAIL_DIR"/{tmp,new,cur}
  if pid_alive "$RUN_DIR/smtp.pid" "$MAIL_DIR"; then
    log "SMTP sink already running on 127.0.0.1:$SMTP_PORT"
    return 0
  fi
  port_open "$SMTP_PORT" && die "port $SMTP_PORT is taken by another process; the SMTP sink cannot start"
  log "starting SMTP sink on 127.0.0.1:$SMTP_PORT (mail in $MAIL_DIR)"
  # Debian's interpreter: the python3 first on PATH may not have aiosmtpd.
  start_daemon "$RUN_DIR/smtp.pid" "$LOG_DIR/smtp.log" \
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL_DIR"
  wait_for "SMTP sink" 30 smtp_ready || fail_service "SMTP sink" "$LOG_DIR/smtp.log"
}

smtp_stop() { stop_daemon "SMTP sink" "$RUN_DIR/smtp.pid" "$MAIL_DIR"; }
