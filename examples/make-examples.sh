#!/usr/bin/env bash
# Regenerates examples/client.p12: a PKCS#12 keystore written by keytool (JDK 17 defaults), password "changeit",
# with alias "client" (private key + leaf + intermediate + root chain) and a trusted-cert alias "root".
# Needs openssl 3 and keytool. Usage: examples/make-examples.sh
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/ext.cnf" <<'CNF'
[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:client.example.com
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
o() { openssl "$@" 2>/dev/null; }
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/root.key"
o req -new -x509 -key "$work/root.key" -days 3650 -set_serial 1 -subj "/C=AU/O=Example Corp/CN=Example Root CA" \
  -config "$work/ext.cnf" -extensions root -out "$work/root.pem"
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/inter.key"
o req -new -key "$work/inter.key" -subj "/C=AU/O=Example Corp/CN=Example Issuing CA" -out "$work/inter.csr"
o x509 -req -in "$work/inter.csr" -CA "$work/root.pem" -CAkey "$work/root.key" -set_serial 2 -days 1825 \
  -extfile "$work/ext.cnf" -extensions inter -out "$work/inter.pem"
o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/client.key"
o req -new -key "$work/client.key" -subj "/C=AU/ST=VIC/L=Melbourne/O=Example Corp/OU=Payments/CN=client.example.com" -out "$work/client.csr"
o x509 -req -in "$work/client.csr" -CA "$work/inter.pem" -CAkey "$work/inter.key" -set_serial 0x65000000d2 -days 730 \
  -extfile "$work/ext.cnf" -extensions client -out "$work/client.pem"
cat "$work/inter.pem" "$work/root.pem" > "$work/chain.pem"
o pkcs12 -export -inkey "$work/client.key" -in "$work/client.pem" -certfile "$work/chain.pem" -name client \
  -passout pass:changeit -out "$work/tmp.p12"
rm -f client.p12
keytool -importkeystore -srckeystore "$work/tmp.p12" -srcstoretype PKCS12 -srcstorepass changeit \
  -destkeystore client.p12 -deststoretype PKCS12 -deststorepass changeit -noprompt >/dev/null 2>&1
keytool -importcert -alias root -file "$work/root.pem" -keystore client.p12 -storetype PKCS12 \
  -storepass changeit -noprompt >/dev/null 2>&1
echo "wrote examples/client.p12 (password: changeit)"
