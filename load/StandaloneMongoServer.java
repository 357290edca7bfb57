// The embedded server of dev and tests (mongo-java-server 1.47, memory backend), started on its own so the
// packaged jar can be load-tested against it. Source-launch mode, classpath from ~/.m2 (see run.sh):
//   java -cp "$CP" load/StandaloneMongoServer.java <port> [max-lifetime-seconds]
// Binds 127.0.0.1 only; stops on SIGTERM/SIGINT or when the lifetime (default 3600 s) runs out.
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public class StandaloneMongoServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long lifetimeSeconds = args.length > 1 ? Long.parseLong(args[1]) : 3600;
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
        System.out.println("StandaloneMongoServer listening on 127.0.0.1:" + port + " (memory backend, lifetime "
                + lifetimeSeconds + " s)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            stopped.countDown();
        }));
        if (!stopped.await(lifetimeSeconds, TimeUnit.SECONDS)) {
            System.out.println("StandaloneMongoServer: lifetime over, shutting down");
            System.exit(0); // runs the hook
        }
    }
}
