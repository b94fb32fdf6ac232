<%@ page contentType="application/json; charset=UTF-8" session="false" %><%
    out.print("{\"secure\":" + request.isSecure()
        + ",\"scheme\":\"" + request.getScheme() + "\""
        + ",\"serverName\":\"" + request.getServerName() + "\""
        + ",\"serverPort\":" + request.getServerPort()
        + ",\"pid\":" + ProcessHandle.current().pid()
        + ",\"startTime\":" + java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()
        + "}");
%>
