#!/usr/bin/env node
// The crate-cache benchmark's fixture: a virtual Cargo workspace of four
// member crates that use ~50 external crates (transitively) from crates.io,
// pinned by the Cargo.lock beside this file so every run builds the same code.
//
//   node tools/bench/crate-cache/fixture.mjs <dir>                 # writes it with the pinned Cargo.lock
//   node tools/bench/crate-cache/fixture.mjs <dir> --update-lock   # resolves anew and saves the lock here
//
// The members really call into their dependencies (a few lines each), so the
// build links them all and a wrapper that dropped one would fail the build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned resolution: versions that build with the machine's rustc (resolver 3 picks by rust-version). */
const LOCK_FILE = join(dirname(fileURLToPath(import.meta.url)), 'Cargo.lock');

/** Member crates: dependencies (Cargo.toml lines) and sources. */
const MEMBERS = {
  model: {
    deps: [
      'serde = { version = "1", features = ["derive"] }',
      'serde_json = "1"',
      'thiserror = "1"',
      // chrono's default "wasmbind" pulls wasm crates into the lock for nothing.
      'chrono = { version = "0.4.23", default-features = false, features = ["clock", "std", "serde"] }',
      'uuid = { version = "1", features = ["serde"] }',
      'smallvec = { version = "1", features = ["serde"] }',
      'indexmap = { version = "1.9", features = ["serde"] }',
      'bitflags = "1"',
      'once_cell = "1"',
    ],
    lib: `//! Records with serde round trips, typed errors, timestamps and ids.
use bitflags::bitflags;
use chrono::{DateTime, TimeZone, Utc};
use indexmap::IndexMap;
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use thiserror::Error;
use uuid::Uuid;

bitflags! {
    pub struct Flags: u32 {
        const PUBLIC = 1;
        const PINNED = 2;
        const ARCHIVED = 4;
    }
}

static MIN_VERSION: Lazy<u32> = Lazy::new(|| std::env::var("MODEL_MIN_VERSION").ok().and_then(|text| text.parse().ok()).unwrap_or(1));

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: Uuid,
    pub name: String,
    pub version: u32,
    pub created: DateTime<Utc>,
    pub tags: SmallVec<[String; 4]>,
    pub fields: IndexMap<String, f64>,
    pub flags: u32,
}

#[derive(Debug, Error)]
pub enum ModelError {
    #[error("bad json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("version {0} is older than the minimum")]
    TooOld(u32),
}

impl Record {
    pub fn new(seq: u128, name: &str, tags: &[&str]) -> Record {
        let mut fields = IndexMap::new();
        fields.insert("weight".to_string(), seq as f64 * 1.5);
        Record {
            id: Uuid::from_u128(seq),
            name: name.to_string(),
            version: 1 + seq as u32 % 7,
            created: Utc.timestamp_opt(1_700_000_000 + seq as i64, 0).unwrap(),
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            fields,
            flags: (Flags::PUBLIC | Flags::PINNED).bits(),
        }
    }

    pub fn to_json(&self) -> Result<String, ModelError> {
        Ok(serde_json::to_string(self)?)
    }

    pub fn from_json(text: &str) -> Result<Record, ModelError> {
        let record: Record = serde_json::from_str(text)?;
        if record.version < *MIN_VERSION {
            return Err(ModelError::TooOld(record.version));
        }
        Ok(record)
    }

    pub fn flags(&self) -> Flags {
        Flags::from_bits_truncate(self.flags)
    }
}
`,
  },
  text: {
    deps: ['regex = "1"', 'itertools = "0.10"', 'unicode-segmentation = "1"', 'strsim = "0.10"', 'memchr = "2"', 'either = "1"'],
    lib: `//! Text helpers: tokenizing, fuzzy matching, splitting.
use either::Either;
use itertools::Itertools;
use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

pub fn words(text: &str) -> Vec<String> {
    text.unicode_words().map(str::to_lowercase).unique().sorted().collect()
}

pub fn numbers(text: &str) -> Vec<u64> {
    let number = Regex::new(r"\\d+").unwrap();
    number.find_iter(text).filter_map(|found| found.as_str().parse().ok()).collect()
}

pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates.iter().copied().min_by(|a, b| strsim::levenshtein(word, a).cmp(&strsim::levenshtein(word, b)))
}

pub fn wrap(text: &str, width: usize) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_word_bounds() {
        if line.len() + word.len() > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

pub fn lines(text: &[u8]) -> usize {
    memchr::memchr_iter(b'\\n', text).count()
}

/// The n-th comma-separated field of every line, or the first line that lacks it.
pub fn column(data: &str, column: usize) -> Either<Vec<String>, usize> {
    let mut values = Vec::new();
    for (number, line) in data.lines().enumerate() {
        match line.split(',').nth(column) {
            Some(value) => values.push(value.trim().to_string()),
            None => return Either::Right(number + 1),
        }
    }
    Either::Left(values)
}
`,
  },
  codec: {
    deps: ['sha2 = "0.10"', 'base64 = "0.13"', 'crc32fast = "1"', 'flate2 = "1"', 'byteorder = "1"'],
    lib: `//! Framing: length-prefixed, checksummed, compressed, hashed.
use byteorder::{BigEndian, ByteOrder, WriteBytesExt};
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

pub fn digest(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|byte| format!("{:02x}", byte)).collect()
}

pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(payload).unwrap();
    let compressed = encoder.finish().unwrap();
    let mut out = Vec::with_capacity(compressed.len() + 8);
    out.write_u32::<BigEndian>(compressed.len() as u32).unwrap();
    out.write_u32::<BigEndian>(crc32fast::hash(&compressed)).unwrap();
    out.extend_from_slice(&compressed);
    out
}

pub fn unframe(frame: &[u8]) -> Option<Vec<u8>> {
    let length = BigEndian::read_u32(frame.get(0..4)?) as usize;
    let checksum = BigEndian::read_u32(frame.get(4..8)?);
    let body = frame.get(8..8 + length)?;
    if crc32fast::hash(body) != checksum {
        return None;
    }
    let mut out = Vec::new();
    GzDecoder::new(body).read_to_end(&mut out).ok()?;
    Some(out)
}

pub fn to_text(frame: &[u8]) -> String {
    base64::encode(frame)
}
`,
  },
  app: {
    deps: [
      'model = { path = "../model" }',
      'text = { path = "../text" }',
      'codec = { path = "../codec" }',
      'clap = { version = "4", features = ["derive"] }',
      'anyhow = "1"',
      'log = "0.4"',
    ],
    main: `//! Generates records, frames them on a worker thread and reports.
use anyhow::{Context, Result};
use clap::Parser;
use std::{sync::mpsc, thread};

#[derive(Parser)]
struct Args {
    /// How many records to generate.
    #[arg(long, default_value_t = 100)]
    count: u128,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let records: Vec<model::Record> = (0..args.count).map(|seq| model::Record::new(seq, &format!("r{}", seq * 7919 % 1000), &["a", "b"])).collect();
    let (sender, receiver) = mpsc::channel::<String>();
    let framer = thread::spawn(move || receiver.iter().map(|json| codec::frame(json.as_bytes()).len()).sum::<usize>());
    for record in &records {
        sender.send(record.to_json()?)?;
    }
    drop(sender);
    let framed = framer.join().ok().context("the framing thread panicked")?;
    let words: usize = records.iter().map(|record| text::words(&record.name).len()).sum();
    log::info!("{} records, {} words, {} framed bytes", records.len(), words, framed);
    println!("{}", text::wrap(&format!("{} {}", words, framed), 20));
    println!("{}", codec::digest(&records.len().to_le_bytes()));
    Ok(())
}
`,
  },
};

/**
 * Writes the workspace into `dir` (created if needed) with the pinned
 * Cargo.lock and fetches its crates (a no-op once cargo has them), so timed
 * builds can run `--offline`. `updateLock` resolves anew instead and saves
 * the result as the pinned lock. Returns the member names.
 */
export function writeFixture(dir, { updateLock = false } = {}) {
  const write = (path, text) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('Cargo.toml', `[workspace]\nmembers = [${Object.keys(MEMBERS).map((name) => `"crates/${name}"`).join(', ')}]\nresolver = "3"\n`);
  write('.gitignore', 'target\n');
  for (const [name, member] of Object.entries(MEMBERS)) {
    write(`crates/${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n${member.deps.join('\n')}\n`);
    if (member.lib) write(`crates/${name}/src/lib.rs`, member.lib);
    if (member.main) write(`crates/${name}/src/main.rs`, member.main);
  }
  if (updateLock) {
    cargoIn(dir, ['generate-lockfile']);
    copyFileSync(join(dir, 'Cargo.lock'), LOCK_FILE);
  } else {
    copyFileSync(LOCK_FILE, join(dir, 'Cargo.lock'));
  }
  cargoIn(dir, ['fetch', '--locked']);
  return Object.keys(MEMBERS);
}

function cargoIn(dir, args) {
  const result = spawnSync('cargo', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cargo ${args.join(' ')} failed in ${dir} (the crates come from crates.io):\n${result.stderr.trim()}`);
}

/** The packages of Cargo.lock's graph that are not workspace members, as `name@version`. */
export function externalPackages(dir) {
  // What `cargo build` compiles for the host: cargo tree over normal and build edges. Cargo.lock, and
  // cargo metadata's resolve even with --filter-platform, also list packages no enabled feature builds
  // (flate2's optional zlib-rs), which made the benchmark expect one package more than cargo compiles.
  const result = spawnSync('cargo', ['tree', '--offline', '--workspace', '-e', 'normal,build', '--prefix', 'none', '--format', '{p}'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`cargo tree failed in ${dir}:\n${result.stderr.trim()}`);
  const packages = result.stdout.split('\n').map((line) => /^(\S+) v(\S+)(?: \((\/[^)]*)\))?/.exec(line)).filter(Boolean);
  return [...new Set(packages.filter((match) => !match[3]).map(([, name, version]) => `${name}@${version}`))].sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, flag] = process.argv.slice(2);
  if (!dir || (flag !== undefined && flag !== '--update-lock')) {
    console.error('usage: node tools/bench/crate-cache/fixture.mjs <dir> [--update-lock]');
    process.exit(2);
  }
  writeFixture(resolve(dir), { updateLock: flag === '--update-lock' });
  const external = externalPackages(resolve(dir));
  console.log(`wrote ${resolve(dir)}: ${Object.keys(MEMBERS).length} members, ${external.length} external packages\n${external.join('\n')}`);
}
