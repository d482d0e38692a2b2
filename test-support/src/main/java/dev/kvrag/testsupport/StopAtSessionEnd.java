package dev.kvrag.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the Redis server and Kafka broker that {@link RealInfra} started once the test run is over, while
 * the JVM still runs normally. Stopping them from a shutdown hook instead races the other hooks (Spring's
 * context close among them) and, on a loaded machine, outlasts the time Surefire gives a fork to exit.
 * Registered in META-INF/services, so every module that has test-support on its test classpath gets it.
 */
public final class StopAtSessionEnd implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        RealInfra.stopAll();
    }
}
