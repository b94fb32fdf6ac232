<%@ page contentType="application/json; charset=UTF-8" session="false" import="java.nio.file.*" %><%
    // A file named health-state in CATALINA_BASE overrides the state, so a test can make a node that never
    // turns RUNNING.
    Path forced = Paths.get(System.getProperty("catalina.base"), "health-state");
    String state = Files.exists(forced) ? Files.readString(forced).trim() : "RUNNING";
    out.print("{\"state\":\"" + state + "\"}");
%>
