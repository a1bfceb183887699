# TLS for the emulator's nodes: checks the `tls` option of Emulator, builds the server-side
# ssl.SSLContext every node listens with, and finds the TLS name the nodes announce in
# service-tls-std / peers-tls-std (the name clients verify the certificate against).
# Used by emulator.py (context and name) and server.py (per-connection session facts).

import os
import ssl

TLS_KEYS = (
    "certfile",
    "keyfile",
    "keyfile_pw",
    "cafile",
    "tls_name",
    "min_version",
    "max_version",
    "ciphers",
)

_VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def check_options(tls):
    """Validates the `tls` dict of Emulator; returns a plain copy (JSON-friendly, so that a
    child process gets the same options) or None when TLS is off."""
    if not tls:
        return None
    if not isinstance(tls, dict):
        raise TypeError("tls must be a dict")
    unknown = sorted(set(tls) - set(TLS_KEYS))
    if unknown:
        raise ValueError("tls: unknown option(s) %s" % ", ".join(unknown))
    for key in ("certfile", "keyfile"):
        if not tls.get(key):
            raise ValueError("tls: '%s' is required" % key)
    out = {}
    for key, value in tls.items():
        if value is None:
            continue
        if key in ("certfile", "keyfile", "cafile"):
            value = os.path.abspath(os.fspath(value))
            if not os.path.isfile(value):
                raise FileNotFoundError("tls: %s %s does not exist" % (key, value))
        elif key in ("min_version", "max_version") and value not in _VERSIONS:
            raise ValueError("tls: %s must be one of %s" % (key, ", ".join(_VERSIONS)))
        out[key] = value
    return out


def certificate_name(certfile):
    """The name a certificate is issued to: its subject CN, else its first DNS SAN."""
    try:
        # The ssl module's own PEM decoder (CPython keeps it for its tests); no public API
        # reads a certificate file without a connection.
        info = ssl._ssl._test_decode_cert(certfile)
    except (AttributeError, ssl.SSLError, OSError):
        return None
    for rdn in info.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    for kind, value in info.get("subjectAltName", ()):
        if kind == "DNS":
            return value
    return None


def tls_name(options):
    """The TLS name the nodes announce: the `tls_name` option, else the certificate's."""
    name = options.get("tls_name") or certificate_name(options["certfile"])
    if not name:
        raise ValueError("tls: cannot read a name from %s; give tls_name" % options["certfile"])
    return name


def server_context(options):
    """An SSLContext for the listening sockets. With `cafile`, clients must present a
    certificate signed by it (mutual TLS)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(options["certfile"], options["keyfile"], options.get("keyfile_pw"))
    if options.get("cafile"):
        ctx.load_verify_locations(cafile=options["cafile"])
        ctx.verify_mode = ssl.CERT_REQUIRED
    if options.get("min_version"):
        ctx.minimum_version = _VERSIONS[options["min_version"]]
    if options.get("max_version"):
        ctx.maximum_version = _VERSIONS[options["max_version"]]
    if options.get("ciphers"):
        ctx.set_ciphers(options["ciphers"])
    return ctx


def session_facts(transport):
    """(protocol version, cipher name, client certificate CN or None) of a TLS connection,
    or None for a plain one."""
    obj = transport.get_extra_info("ssl_object")
    if obj is None:
        return None
    cipher = obj.cipher()
    subject = None
    peer = obj.getpeercert()
    for rdn in (peer or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                subject = value
    return obj.version(), cipher[0] if cipher else None, subject
