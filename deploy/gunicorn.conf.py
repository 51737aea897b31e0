"""gunicorn settings of a hoso web host (production shape), read from the same environment as hoso itself
(/etc/hoso/hoso.env, deploy/hoso.env.example; systemd unit deploy/systemd/hoso-web.service):

    gunicorn -c /opt/hoso/deploy/gunicorn.conf.py          # serves hoso.wsgi:application

Threaded workers (gthread): a request spends much of its time waiting for PostgreSQL and the S3 store, so each
process serves HOSO_WEB_THREADS requests at once; HOSO_WEB_WORKERS processes (default 2 per core + 1) use the
cores. Every thread keeps its own database connection (HOSO_DB_CONN_MAX_AGE), so one web host holds up to
workers × threads connections: size PostgreSQL's max_connections for it (deploy/postgresql-hoso.conf).
Importing hoso.settings.env reads (and checks) every setting here in the master: a malformed variable or a missing
HOSO_SECRET_KEY stops the start with a message naming it, before any worker starts.
"""

import multiprocessing

from hoso.settings.env import get_addresses, get_choice, get_int, get_list

wsgi_app = "hoso.wsgi:application"
# Where nginx reaches this host: loopback when nginx runs on the same machine, else this host's private address.
bind = get_list("HOSO_WEB_BIND", ["127.0.0.1:8000"])
worker_class = "gthread"
workers = get_int("HOSO_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1, minimum=1)
threads = get_int("HOSO_WEB_THREADS", 4, minimum=1)
# With gthread a worker is restarted only when its main loop stops answering this long (a slow request does not
# count); nginx bounds the requests themselves (proxy_read_timeout).
timeout = get_int("HOSO_WEB_TIMEOUT", 120, minimum=10)
graceful_timeout = 60  # SIGTERM/restart: requests under way may finish this long
keepalive = 5  # seconds; nginx keeps connections to this upstream open (keepalive in nginx-hoso.conf)
max_requests, max_requests_jitter = 5000, 500  # a worker is replaced now and then: memory never creeps up for ever
worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files: not on a disk that may stall
# X-Forwarded-Proto (https) is believed only from the proxies (and hoso.wsgi takes X-Real-IP only from them).
forwarded_allow_ips = ",".join(get_addresses("HOSO_TRUSTED_PROXIES", ["127.0.0.1", "::1"]))
# To the journal (stdout/stderr under systemd). The access log names the clerk's address (X-Real-IP) and the time
# taken in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = get_choice("HOSO_LOG_LEVEL", "warning", ("debug", "info", "warning", "error", "critical"))
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
proc_name = "hoso-web"
# gunicorn 25+ opens a control socket in $HOME by default: systemctl (reload, stop) is the interface here, and two
# servers of one user would fight over the same socket.
control_socket_disable = True
