//! Who may talk to the server: only pages served from this address.
//!
//! DNS rebinding: a hostile web page can point its own host name at
//! 127.0.0.1 and then read answers from a local server as same-origin. The
//! browser still sends the hostile name in `Host`, so every request whose
//! `Host` is not the bound address, a loopback address or `localhost` (with
//! the bound port, or none) is refused.

use std::net::{IpAddr, SocketAddr};

/// The `Host` values this server answers.
#[derive(Clone, Debug)]
pub struct Allowed {
    names: Vec<String>,
    port: u16,
}

impl Allowed {
    pub fn new(bound: SocketAddr) -> Allowed {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "[::1]".to_string()];
        let ip = match bound.ip() {
            IpAddr::V4(a) => a.to_string(),
            IpAddr::V6(a) => format!("[{a}]"),
        };
        if !ip.starts_with("0.") && ip != "[::]" && !names.contains(&ip) {
            names.push(ip);
        }
        Allowed { names, port: bound.port() }
    }

    /// Whether a `Host` header value names this server.
    pub fn permits(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = if host.starts_with('[') {
            match host.find(']') {
                Some(i) => (&host[..=i], host[i + 1..].strip_prefix(':')),
                None => return false,
            }
        } else {
            match host.rsplit_once(':') {
                Some((n, p)) => (n, Some(p)),
                None => (host.as_str(), None),
            }
        };
        let port_ok = match port {
            None => true,
            Some(p) => p.parse::<u16>().is_ok_and(|p| p == self.port),
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        port_ok && self.names.iter().any(|n| n == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_server_by_address_or_localhost() {
        let a = Allowed::new("127.0.0.1:8080".parse().unwrap());
        for ok in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "localhost.:8080", "[::1]:8080", "127.0.0.1"] {
            assert!(a.permits(ok), "{ok}");
        }
        for bad in
            ["evil.example:8080", "127.0.0.1:8081", "localhost:80", "127.0.0.1.evil.example", "", "[::1", "localhost:x", "10.0.0.5:8080"]
        {
            assert!(!a.permits(bad), "{bad}");
        }
        let b = Allowed::new("10.0.0.5:9000".parse().unwrap());
        assert!(b.permits("10.0.0.5:9000") && !b.permits("10.0.0.6:9000"));
        let any = Allowed::new("0.0.0.0:9000".parse().unwrap());
        assert!(!any.permits("0.0.0.0:9000") && any.permits("localhost:9000"));
    }
}
