#!/bin/sh
# Build, start, stop and restart a throw-away Tomcat 10 instance that plays a Jira Data Center node.
# Shared by the pytest fixtures (tests/integration/tomcat/conftest.py) and the molecule scenarios.
#
#   tomcat_instance.sh create DIR HTTP_PORT SHUTDOWN_PORT   CATALINA_BASE with the Jira-shaped server.xml
#   tomcat_instance.sh start DIR                            returns once the JVM is launched
#   tomcat_instance.sh stop DIR                             no-op when not running
#   tomcat_instance.sh restart DIR
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CATALINA_HOME=${CATALINA_HOME:-/usr/share/tomcat10}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
export CATALINA_HOME JAVA_HOME

usage() {
    echo "usage: $0 create DIR HTTP_PORT SHUTDOWN_PORT | start DIR | stop DIR | restart DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
base=$2
export CATALINA_BASE="$base" CATALINA_PID="$base/temp/tomcat.pid"

create() {
    http_port=$1
    shutdown_port=$2
    tomcat10-instance-create -p "$http_port" -c "$shutdown_port" "$base" >/dev/null
    # The generated setenv.sh turns on `set -e` inside catalina.sh, which makes `stop` fail silently.
    cat > "$base/bin/setenv.sh" <<SETENV
CATALINA_HOME=$CATALINA_HOME
JAVA_HOME=$JAVA_HOME
CATALINA_OPTS="-Xms64m -Xmx192m -XX:TieredStopAtLevel=1 -Djava.security.egd=file:/dev/./urandom"
SETENV
    sed -e "s/@HTTP_PORT@/$http_port/g" -e "s/@SHUTDOWN_PORT@/$shutdown_port/g" \
        "$HERE/jira_node_server.xml" > "$base/conf/server.xml"
    mkdir -p "$base/atlassian-jira"
    cp -R "$HERE/probe_webapp/." "$base/atlassian-jira/"
}

start() {
    "$CATALINA_HOME/bin/catalina.sh" start >/dev/null
}

stop() {
    if [ -s "$CATALINA_PID" ]; then
        "$CATALINA_HOME/bin/catalina.sh" stop 10 -force >/dev/null 2>&1 || true
    fi
    # catalina.sh leaves the PID file behind when the JVM is already gone; a stale one blocks the next start.
    rm -f "$CATALINA_PID"
}

case "$action" in
    create) [ $# -eq 4 ] || usage; create "$3" "$4" ;;
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) usage ;;
esac
