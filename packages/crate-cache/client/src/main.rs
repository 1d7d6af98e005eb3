//! The RUSTC_WRAPPER cargo runs for every rustc call when the built-in crate
//! cache is on. Starting Node for each call costs ~100 ms here, more than
//! the whole overhead budget of a cold build, so this client only carries
//! the call to a long-lived Node server (`dist/server/main.js`, one per
//! store and package install, started on demand) and runs rustc itself when
//! the server says so: rustc must be this process's child to inherit cargo's
//! jobserver fds. Anything unexpected falls back to the in-process wrapper,
//! never to a failed build.
//!
//! Built on first use by `src/native-client.ts`, which bakes in the package
//! folder it belongs to and its build key (`NX_CARGO_CRATE_CACHE_PACKAGE`,
//! `NX_CARGO_CRATE_CACHE_CLIENT_KEY`), so cargo can run it with no other setup.

use std::env;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{exit, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Request tag: bumped with any change to the frames below.
const PROTOCOL: &[u8] = b"NXC1";
const REPLAY: u8 = 0;
const RUN: u8 = 1;
const PASSTHROUGH: u8 = 2;
const IN_PROCESS: u8 = 3;

fn main() {
    let args: Vec<OsString> = env::args_os().skip(1).collect();
    if args.is_empty() {
        eprintln!("nx-cargo-rustc: expected to be called by cargo as RUSTC_WRAPPER: nx-cargo-rustc <rustc> <args...>");
        exit(2);
    }
    let package = PathBuf::from(env!("NX_CARGO_CRATE_CACHE_PACKAGE"));
    if env::var_os("NX_CARGO_CRATE_CACHE_SERVER").map_or(false, |v| v == "off") {
        in_process(&package, &args);
    }
    let store = store_root();
    // The server and the in-process wrapper read the store from the environment; make it absolute for both.
    env::set_var("NX_CARGO_CRATE_CACHE_DIR", &store);
    let socket = store.join(format!("server-{}.sock", &env!("NX_CARGO_CRATE_CACHE_CLIENT_KEY")[..12]));
    // sun_path holds 108 bytes; a longer store path cannot have a socket.
    if socket.as_os_str().len() > 100 {
        in_process(&package, &args);
    }
    let stream = match connect_or_start(&socket, &package) {
        Some(stream) => stream,
        None => in_process(&package, &args),
    };
    match serve(stream, &args, &store) {
        Ok(code) => exit(code),
        Err(Fallback) => in_process(&package, &args),
    }
}

/// The server could not take the call before rustc ran: the in-process wrapper will.
struct Fallback;

impl From<io::Error> for Fallback {
    fn from(_: io::Error) -> Self {
        Fallback
    }
}

/// Same rule as the TypeScript side's `defaultStoreRoot`: NX_CARGO_CRATE_CACHE_DIR
/// (relative to the current folder), else an absolute XDG_CACHE_HOME, else ~/.cache
/// (HOME, else the user's entry in the password database, as Node's os.homedir()).
fn store_root() -> PathBuf {
    if let Some(dir) = env::var_os("NX_CARGO_CRATE_CACHE_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() { dir } else { env::current_dir().unwrap_or_default().join(dir) };
    }
    if let Some(dir) = env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|d| d.is_absolute()) {
        return dir.join("nx-cargo/crates");
    }
    env::var_os("HOME").filter(|home| !home.is_empty()).map(PathBuf::from).or_else(env::home_dir).unwrap_or_default().join(".cache/nx-cargo/crates")
}

fn node() -> OsString {
    env::var_os("NX_CARGO_CRATE_CACHE_NODE").filter(|n| !n.is_empty()).unwrap_or_else(|| "node".into())
}

fn in_process(package: &Path, args: &[OsString]) -> ! {
    let error = Command::new(node()).arg(package.join("dist/bin/rustc-wrapper.js")).args(args).exec();
    eprintln!("nx-cargo-rustc: cannot start node for the in-process wrapper: {error}");
    exit(101);
}

fn connect_or_start(socket: &Path, package: &Path) -> Option<UnixStream> {
    if let Ok(stream) = UnixStream::connect(socket) {
        return Some(stream);
    }
    start_server(socket, package).ok()?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(stream) = UnixStream::connect(socket) {
            return Some(stream);
        }
        thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Detached, in its own process group, without cargo's jobserver fds or stdio.
fn start_server(socket: &Path, package: &Path) -> io::Result<()> {
    let mut command = Command::new(node());
    command
        .arg(package.join("dist/server/main.js"))
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    // Under a recorded build (nx-cargo-audit, strict inputs) the server is not part of what is audited.
    if env::var_os("NX_CARGO_RECORD_DIR").is_some() {
        command.env_remove("LD_PRELOAD").env_remove("NX_CARGO_RECORD_DIR");
    }
    unsafe {
        command.pre_exec(|| {
            for fd in 3..1024 {
                libc_close(fd);
            }
            Ok(())
        });
    }
    command.spawn().map(|_| ())
}

extern "C" {
    #[link_name = "close"]
    fn close_fd(fd: i32) -> i32;
}

fn libc_close(fd: i32) {
    unsafe {
        close_fd(fd);
    }
}

fn serve(mut stream: UnixStream, args: &[OsString], store: &Path) -> Result<i32, Fallback> {
    send_request(&mut stream, args)?;
    match read_u8(&mut stream)? {
        REPLAY => {
            let code = read_u32(&mut stream)? as i32;
            let stdout = read_bytes(&mut stream)?;
            let stderr = read_bytes(&mut stream)?;
            io::stdout().write_all(&stdout).ok();
            io::stderr().write_all(&stderr).ok();
            io::stdout().flush().ok();
            Ok(code)
        }
        RUN => {
            let argv = read_strings(&mut stream)?;
            let env = read_strings(&mut stream)?;
            let (code, stdout, stderr) = run_captured(&argv, &env);
            // From here rustc has run: a lost server costs the store, never the result.
            let stored = (|| -> io::Result<i32> {
                write_u32(&mut stream, code as u32)?;
                write_bytes(&mut stream, &stdout)?;
                write_bytes(&mut stream, &stderr)?;
                stream.flush()?;
                Ok(read_u32(&mut stream)? as i32)
            })();
            Ok(stored.unwrap_or_else(|error| {
                if code == 0 {
                    record_not_stored(store, args, &format!("not stored: the cache server went away while rustc ran ({error})"));
                }
                code
            }))
        }
        PASSTHROUGH => {
            let error = Command::new(&args[0]).args(&args[1..]).exec();
            eprintln!("nx-cargo-rustc: cannot run {}: {error}", args[0].to_string_lossy());
            Ok(101)
        }
        IN_PROCESS => Err(Fallback),
        _ => Err(Fallback),
    }
}

/// An `error` event in the store's log (the server's format, one line, O_APPEND),
/// so that the task's crate cache line says this unit was compiled but not stored.
fn record_not_stored(store: &Path, args: &[OsString], reason: &str) {
    let events = store.join("events");
    let line = format!(
        "{{\"at\":{},\"session\":{},\"crateName\":{},\"result\":\"error\",\"reason\":{},\"ms\":0}}\n",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis()),
        json_string(&env::var("NX_CARGO_CRATE_CACHE_SESSION").unwrap_or_default()),
        json_string(&unit_label(args)),
        json_string(reason),
    );
    let _ = std::fs::create_dir_all(&events).and_then(|_| {
        std::fs::OpenOptions::new().create(true).append(true).open(events.join("log.jsonl"))?.write_all(line.as_bytes())
    });
}

/// Like the wrapper's label: the package, or `<package>/<crate>` when the crate is named otherwise (a build script, a binary).
fn unit_label(args: &[OsString]) -> String {
    let crate_name = args.windows(2).find(|pair| pair[0] == "--crate-name").map(|pair| pair[1].to_string_lossy().into_owned()).unwrap_or_default();
    match env::var("CARGO_PKG_NAME") {
        Ok(package) if package.replace('-', "_") != crate_name => format!("{package}/{crate_name}"),
        Ok(package) => package,
        Err(_) => crate_name,
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn send_request(stream: &mut UnixStream, args: &[OsString]) -> io::Result<()> {
    let mut frame = Vec::with_capacity(16 * 1024);
    frame.extend_from_slice(PROTOCOL);
    push_strings(&mut frame, args.iter().map(|a| a.as_bytes()));
    let cwd = env::current_dir()?;
    push_bytes(&mut frame, cwd.as_os_str().as_bytes());
    let vars: Vec<Vec<u8>> = env::vars_os()
        .map(|(k, v)| {
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            kv
        })
        .collect();
    push_strings(&mut frame, vars.iter().map(Vec::as_slice));
    write_bytes(stream, &frame)?;
    stream.flush()
}

/// Runs rustc with this process's stdin and fds, and `env` (`NAME=value`) added
/// (the read recorder); its output goes on live and is kept for the store.
fn run_captured(argv: &[Vec<u8>], env: &[Vec<u8>]) -> (i32, Vec<u8>, Vec<u8>) {
    let program = OsString::from_vec(argv[0].clone());
    let pairs = env.iter().filter_map(|pair| {
        let at = pair.iter().position(|&b| b == b'=')?;
        Some((OsString::from_vec(pair[..at].to_vec()), OsString::from_vec(pair[at + 1..].to_vec())))
    });
    let child = Command::new(&program)
        .args(argv[1..].iter().map(|a| OsString::from_vec(a.clone())))
        .envs(pairs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            let message = format!("nx-cargo-rustc: cannot run {}: {error}\n", program.to_string_lossy());
            io::stderr().write_all(message.as_bytes()).ok();
            return (101, Vec::new(), message.into_bytes());
        }
    };
    let stdout = tee(child.stdout.take().expect("piped"), io::stdout());
    let stderr = tee(child.stderr.take().expect("piped"), io::stderr());
    let status = child.wait().expect("waiting for rustc");
    let code = status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(1));
    (code, stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default())
}

fn tee<R: Read + Send + 'static, W: Write + Send + 'static>(mut from: R, mut to: W) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buffer = [0u8; 64 * 1024];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    to.write_all(&buffer[..n]).ok();
                    to.flush().ok();
                    kept.extend_from_slice(&buffer[..n]);
                }
            }
        }
        kept
    })
}

fn push_bytes(frame: &mut Vec<u8>, bytes: &[u8]) {
    frame.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    frame.extend_from_slice(bytes);
}

fn push_strings<'a>(frame: &mut Vec<u8>, items: impl ExactSizeIterator<Item = &'a [u8]>) {
    frame.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for item in items {
        push_bytes(frame, item);
    }
}

fn write_u32(stream: &mut UnixStream, value: u32) -> io::Result<()> {
    stream.write_all(&value.to_le_bytes())
}

fn write_bytes(stream: &mut UnixStream, bytes: &[u8]) -> io::Result<()> {
    write_u32(stream, bytes.len() as u32)?;
    stream.write_all(bytes)
}

fn read_u8(stream: &mut UnixStream) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte)?;
    Ok(byte[0])
}

fn read_u32(stream: &mut UnixStream) -> io::Result<u32> {
    let mut bytes = [0u8; 4];
    stream.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_bytes(stream: &mut UnixStream) -> io::Result<Vec<u8>> {
    let len = read_u32(stream)? as usize;
    let mut bytes = vec![0u8; len];
    stream.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn read_strings(stream: &mut UnixStream) -> io::Result<Vec<Vec<u8>>> {
    let count = read_u32(stream)?;
    (0..count).map(|_| read_bytes(stream)).collect()
}
