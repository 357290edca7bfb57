package io.creatorprofiles.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;

/**
 * A TCP relay between one client process and the test MongoDB, on 127.0.0.1, that reads the commands the client sends
 * and can hold the next one that matches until the test lets it go: what one process sends, counted on its way to
 * whichever server the tests use (the embedded server or FerretDB), where the server itself cannot count or hold.
 * Commands are read from OP_MSG, the message current drivers send every command in, with the document sequences of
 * inserts, updates and deletes put back under their names; answers pass through unread.
 */
public final class WireProxy implements AutoCloseable {

    private static final int OP_MSG = 2013;
    private static final int CHECKSUM_PRESENT = 1;
    private static final Codec<Document> CODEC = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);

    private final ServerSocket listener;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Document> forwarded = new ArrayList<>();
    private final AtomicReference<Hold> hold = new AtomicReference<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private record Hold(String command, String containing, CountDownLatch release, CountDownLatch reached) {
    }

    private WireProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "wire-proxy-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** A relay to the (single) server of {@code connectionString}. */
    public static WireProxy to(String connectionString) throws IOException {
        String host = new ConnectionString(connectionString).getHosts().get(0);
        int colon = host.lastIndexOf(':');
        return colon < 0 ? new WireProxy(host, 27017)
                : new WireProxy(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1)));
    }

    /** {@code connectionString} with its server replaced by this relay. */
    public String connectionString(String connectionString) {
        String host = new ConnectionString(connectionString).getHosts().get(0);
        return connectionString.replaceFirst(java.util.regex.Pattern.quote(host),
                "127.0.0.1:" + listener.getLocalPort());
    }

    /**
     * Holds the next command named {@code command} whose text contains {@code containing} before it is passed on, until
     * {@code release} is counted down (at most a minute); {@code reached} is counted down once it is held.
     */
    public void holdNext(String command, String containing, CountDownLatch release, CountDownLatch reached) {
        hold.set(new Hold(command, containing, release, reached));
    }

    /** A point in the stream of commands passed on, for {@link #forwardedSince}. */
    public long mark() {
        synchronized (forwarded) {
            return forwarded.size();
        }
    }

    /** The commands of this name passed on to the server after {@code mark}, oldest first. */
    public List<Document> forwardedSince(long mark, String command) {
        synchronized (forwarded) {
            return forwarded.subList((int) mark, forwarded.size()).stream()
                    .filter(query -> query.keySet().iterator().next().equalsIgnoreCase(command)).toList();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstreamHost, upstreamPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                start("wire-proxy-answers", () -> copy(server.getInputStream(), client.getOutputStream()), client, server);
                start("wire-proxy-commands", () -> commands(client.getInputStream(), server.getOutputStream()), client,
                        server);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("the relay stopped accepting", e);
                }
            }
        }
    }

    private interface Pump {
        void run() throws IOException, InterruptedException;
    }

    private static void start(String name, Pump pump, Socket client, Socket server) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException | InterruptedException ended) {
                // one side closed the connection: close the other
            } finally {
                closeQuietly(client);
                closeQuietly(server);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    private void commands(InputStream raw, OutputStream out) throws IOException, InterruptedException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
        byte[] header = new byte[16];
        while (true) {
            in.readFully(header);
            ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int length = fields.getInt(0);
            int opCode = fields.getInt(12);
            byte[] body = new byte[length - header.length];
            in.readFully(body);
            Document command = opCode == OP_MSG ? command(body) : null;
            if (command != null) {
                awaitRelease(command);
                synchronized (forwarded) {
                    forwarded.add(command);
                }
            }
            out.write(header);
            out.write(body);
            out.flush();
        }
    }

    private void awaitRelease(Document command) throws InterruptedException {
        Hold held = hold.get();
        if (held != null && held.command().equalsIgnoreCase(command.keySet().iterator().next())
                && command.toJson().contains(held.containing()) && hold.compareAndSet(held, null)) {
            held.reached().countDown();
            held.release().await(1, TimeUnit.MINUTES);
        }
    }

    /** The command of an OP_MSG body: its body section, with each document sequence added under its identifier. */
    private static Document command(byte[] body) {
        ByteBuffer message = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int flags = message.getInt(0);
        int end = body.length - ((flags & CHECKSUM_PRESENT) != 0 ? 4 : 0);
        Document command = null;
        List<Object[]> sequences = new ArrayList<>();
        int at = 4;
        while (at < end) {
            byte kind = body[at++];
            if (kind == 0) {
                int size = message.getInt(at);
                command = new RawBsonDocument(body, at, size).decode(CODEC);
                at += size;
            } else {
                int size = message.getInt(at);
                int sectionEnd = at + size;
                int nameEnd = at + 4;
                while (body[nameEnd] != 0) {
                    nameEnd++;
                }
                String identifier = new String(body, at + 4, nameEnd - at - 4, StandardCharsets.UTF_8);
                List<Document> documents = new ArrayList<>();
                for (int doc = nameEnd + 1; doc < sectionEnd;) {
                    int docSize = message.getInt(doc);
                    documents.add(new RawBsonDocument(body, doc, docSize).decode(CODEC));
                    doc += docSize;
                }
                sequences.add(new Object[] { identifier, documents });
                at = sectionEnd;
            }
        }
        if (command != null) {
            for (Object[] sequence : sequences) {
                command.append((String) sequence[0], sequence[1]);
            }
        }
        return command;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(WireProxy::closeQuietly);
    }
}
