/*
 * Test lab TLS server (JSSE SSLServerSocket) for mtls-doctor tests.
 *
 * Usage: java -cp DIR LabServer key=value...
 *   port=0 keystore=F password=P truststore=F [trustpass=P] clientAuth=need|want tls=1.2|1.3
 *   [advertise=truststore|<PEM/DER cert file>]   (what getAcceptedIssuers() returns, i.e. the CA list sent)
 *
 * Prints "READY <port>" once listening. For every connection it prints one line:
 *   "CONN <n> OK protocol=<p> chain=<count> subjects=[<subject>|<subject>...]"  or
 *   "CONN <n> ERROR <exception class>: <message>[ <- <cause class>: <cause message>]..."
 * and answers one request line with "HTTP/1.0 200 OK" + a short body.
 */
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.*;

public class LabServer {
    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            if (i > 0) m.put(a.substring(0, i), a.substring(i + 1));
        }
        return m;
    }

    static synchronized void out(String s) {
        System.out.println(s);
        System.out.flush();
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c != t) sb.append(" <- ");
            sb.append(c.getClass().getName()).append(": ").append(String.valueOf(c.getMessage()).replace('\n', ' '));
            if (c.getCause() == c) break;
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        char[] pw = o.getOrDefault("password", "changeit").toCharArray();
        KeyStore ks = KeyStore.getInstance(new File(o.get("keystore")), pw);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);

        char[] tpw = o.getOrDefault("trustpass", "changeit").toCharArray();
        KeyStore ts = KeyStore.getInstance(new File(o.get("truststore")), tpw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        X509ExtendedTrustManager base = null;
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager) base = (X509ExtendedTrustManager) tm;
        TrustManager chosen = base;
        String adv = o.getOrDefault("advertise", "truststore");
        if (!adv.equals("truststore")) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> list = new ArrayList<>();
            try (InputStream in = new FileInputStream(adv)) {
                for (java.security.cert.Certificate c : cf.generateCertificates(in)) list.add((X509Certificate) c);
            }
            chosen = new Advertising(base, list.toArray(new X509Certificate[0]));
        }

        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] { chosen }, null);
        SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory()
            .createServerSocket(Integer.parseInt(o.getOrDefault("port", "0")), 50, InetAddress.getByName("127.0.0.1"));
        ss.setEnabledProtocols(new String[] { "TLSv" + o.getOrDefault("tls", "1.3") });
        if ("want".equals(o.getOrDefault("clientAuth", "need"))) ss.setWantClientAuth(true);
        else ss.setNeedClientAuth(true);
        out("READY " + ss.getLocalPort());

        AtomicInteger n = new AtomicInteger();
        while (true) {
            Socket s = ss.accept();
            int id = n.incrementAndGet();
            Thread t = new Thread(() -> serve((SSLSocket) s, id));
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(SSLSocket s, int id) {
        try (SSLSocket sock = s) {
            sock.setSoTimeout(10000);
            sock.startHandshake();
            SSLSession sess = sock.getSession();
            java.security.cert.Certificate[] chain;
            try {
                chain = sess.getPeerCertificates();
            } catch (SSLPeerUnverifiedException e) {
                chain = new java.security.cert.Certificate[0];
            }
            StringBuilder subj = new StringBuilder();
            for (java.security.cert.Certificate c : chain) {
                if (subj.length() > 0) subj.append('|');
                subj.append(((X509Certificate) c).getSubjectX500Principal().getName(X500Principal_RFC2253));
            }
            out("CONN " + id + " OK protocol=" + sess.getProtocol() + " chain=" + chain.length + " subjects=[" + subj + "]");
            BufferedReader r = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.ISO_8859_1));
            r.readLine();
            OutputStream w = sock.getOutputStream();
            w.write(("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello " + chain.length + "\n").getBytes(StandardCharsets.ISO_8859_1));
            w.flush();
        } catch (Throwable e) {
            out("CONN " + id + " ERROR " + describe(e));
        }
    }

    static final String X500Principal_RFC2253 = javax.security.auth.x500.X500Principal.RFC2253;

    /** Delegates every check to the PKIX trust manager but advertises a chosen CA list (getAcceptedIssuers). */
    static final class Advertising extends X509ExtendedTrustManager {
        final X509ExtendedTrustManager d;
        final X509Certificate[] issuers;
        Advertising(X509ExtendedTrustManager d, X509Certificate[] issuers) { this.d = d; this.issuers = issuers; }
        public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException { d.checkClientTrusted(c, a); }
        public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException { d.checkServerTrusted(c, a); }
        public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException { d.checkClientTrusted(c, a, s); }
        public void checkServerTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException { d.checkServerTrusted(c, a, s); }
        public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException { d.checkClientTrusted(c, a, e); }
        public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException { d.checkServerTrusted(c, a, e); }
        public X509Certificate[] getAcceptedIssuers() { return issuers.clone(); }
    }
}
