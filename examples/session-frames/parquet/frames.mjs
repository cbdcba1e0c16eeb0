#!/usr/bin/env node
// The Parquet side of the session-frames example: the Python application hands frames to this
// tool to write a real Parquet file (hyparquet-writer) and hands it back byte ranges it fetched
// from the bucket to decode (hyparquet). Debian 12 ships no Parquet library for Python, so the
// format work lives here and the application (storage, database, flow) stays in Python.
//
//   node frames.mjs write OUT.parquet [--row-group-rows N] < frames.jsonl   -> summary JSON
//   node frames.mjs footer < FOOTER_BYTES                                     -> metadata JSON
//   node frames.mjs decode < HEADER_LINE + PIECES                             -> rows JSONL
//   node frames.mjs read-url URL --byte-length N --row-group I                -> rows JSONL
//
// Frames arrive as JSON lines: {"frameNo", "timestamp" (epoch ms), "command", "isResponse",
// "messageId", "status", "treeId", "filePath", "size", "payloadSize"}. The payload bytes are
// not sent through the pipe: they are derived from (messageId, payloadSize) by payloadBytes()
// below, so a 1 GiB capture costs a few MB of JSON, and a reader can check every payload.

import { createHash } from 'node:crypto'
import fs from 'node:fs'
import readline from 'node:readline'
import { ParquetWriter, fileWriter } from 'hyparquet-writer'
import { asyncBufferFromUrl, parquetMetadata, parquetReadObjects } from 'hyparquet'

const SCHEMA = [
  { name: 'root', num_children: 10 },
  { name: 'frame_no', type: 'INT32', repetition_type: 'REQUIRED' },
  {
    name: 'timestamp', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  },
  { name: 'command', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'is_response', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
  { name: 'message_id', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'status', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'tree_id', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'file_path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'size', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'payload', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
]

/** Deterministic payload of a frame: xorshift32 seeded by the message id and size. */
export function payloadBytes(messageId, size) {
  const out = new Uint8Array(size)
  const words = new Uint32Array(out.buffer, 0, size >>> 2)
  let x = (Number(BigInt(messageId) & 0xffffffffn) ^ Math.imul(size, 0x9e3779b1) ^ 0x5bd1e995) >>> 0
  if (x === 0) x = 1
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    words[i] = x
  }
  for (let i = words.length * 4; i < size; i++) out[i] = (x >>> ((i & 3) * 8)) & 0xff
  return out
}

function fail(message) {
  process.stderr.write(`frames.mjs: ${message}\n`)
  process.exit(2)
}

function arg(args, name, fallback) {
  const i = args.indexOf(name)
  if (i < 0) return fallback
  if (i + 1 >= args.length) fail(`${name} needs a value`)
  return args[i + 1]
}

async function readStdin() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  return Buffer.concat(chunks)
}

// ---- write -----------------------------------------------------------------------------------

function emptyBatch() {
  return {
    frame_no: [], timestamp: [], command: [], is_response: [], message_id: [], status: [],
    tree_id: [], file_path: [], size: [], payload: [], bytes: 0,
  }
}

async function write(args) {
  const out = args[0]
  if (!out) fail('write needs an output file')
  const rowGroupRows = Number(arg(args, '--row-group-rows', '1000'))
  // Frames are buffered up to one row group (and at most ~64 MiB of payload) at a time, so the
  // writer's memory does not grow with the capture.
  const maxBatchBytes = Number(arg(args, '--max-row-group-bytes', String(64 << 20)))
  const writer = new ParquetWriter({
    writer: fileWriter(out),
    schema: SCHEMA,
    createdBy: 'cairn session-frames example (hyparquet-writer)',
    kvMetadata: [{ key: 'cairn.example', value: 'session-frames/v1' }],
  })
  const summary = {
    frameCount: 0, commandSummary: {}, firstTimestamp: null, lastTimestamp: null,
    payloadBytes: 0, rowGroups: 0,
  }
  let batch = emptyBatch()
  const flush = () => {
    if (batch.frame_no.length === 0) return
    const d = batch
    writer.write({
      rowGroupSize: d.frame_no.length,
      columnData: [
        { name: 'frame_no', data: d.frame_no },
        { name: 'timestamp', data: d.timestamp },
        { name: 'command', data: d.command },
        { name: 'is_response', data: d.is_response },
        { name: 'message_id', data: d.message_id },
        { name: 'status', data: d.status },
        { name: 'tree_id', data: d.tree_id },
        { name: 'file_path', data: d.file_path },
        { name: 'size', data: d.size },
        // Payloads are incompressible and unique: plain and uncompressed, no statistics.
        { name: 'payload', data: d.payload, encoding: 'PLAIN', codec: 'UNCOMPRESSED', statistics: false },
      ],
    })
    summary.rowGroups++
    batch = emptyBatch()
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (!line.trim()) continue
    const f = JSON.parse(line)
    const payload = payloadBytes(f.messageId, f.payloadSize)
    batch.frame_no.push(f.frameNo)
    batch.timestamp.push(BigInt(f.timestamp))
    batch.command.push(f.command)
    batch.is_response.push(Boolean(f.isResponse))
    batch.message_id.push(BigInt(f.messageId))
    batch.status.push(f.status)
    batch.tree_id.push(f.treeId)
    batch.file_path.push(f.filePath ?? null)
    batch.size.push(f.size)
    batch.payload.push(payload)
    batch.bytes += payload.length
    summary.frameCount++
    summary.payloadBytes += payload.length
    summary.commandSummary[f.command] = (summary.commandSummary[f.command] ?? 0) + 1
    if (summary.firstTimestamp === null || f.timestamp < summary.firstTimestamp) summary.firstTimestamp = f.timestamp
    if (summary.lastTimestamp === null || f.timestamp > summary.lastTimestamp) summary.lastTimestamp = f.timestamp
    if (batch.frame_no.length >= rowGroupRows || batch.bytes >= maxBatchBytes) flush()
  }
  flush()
  writer.finish()
  summary.uniqueCommands = Object.keys(summary.commandSummary).length
  summary.sizeBytes = fs.statSync(out).size
  process.stdout.write(JSON.stringify(summary) + '\n')
}

// ---- read ------------------------------------------------------------------------------------

function toJson(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))
}

function describe(metadata) {
  return {
    numRows: Number(metadata.num_rows),
    createdBy: metadata.created_by,
    keyValue: Object.fromEntries((metadata.key_value_metadata ?? []).map(kv => [kv.key, kv.value])),
    columns: metadata.schema.slice(1).map(s => s.name),
    rowGroups: metadata.row_groups.map(rg => {
      const starts = rg.columns.map(c => Number(c.meta_data.dictionary_page_offset ?? c.meta_data.data_page_offset))
      const ends = rg.columns.map((c, i) => starts[i] + Number(c.meta_data.total_compressed_size))
      return { numRows: Number(rg.num_rows), start: Math.min(...starts), end: Math.max(...ends) }
    }),
  }
}

/** A Parquet footer (metadata + 4-byte length + "PAR1") -> the row groups' byte ranges. */
async function footer() {
  const bytes = await readStdin()
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  process.stdout.write(toJson(describe(parquetMetadata(ab))) + '\n')
}

/** One output row: the payload is checked against payloadBytes() and reported by length. */
function rowOut(row) {
  const expected = payloadBytes(row.message_id, row.payload.length)
  const payloadOk = Buffer.compare(Buffer.from(expected), Buffer.from(row.payload)) === 0
  const { payload, ...rest } = row
  return toJson({
    ...rest,
    timestamp: row.timestamp instanceof Date ? row.timestamp.getTime() : Number(row.timestamp),
    payloadSize: payload.length,
    payloadOk,
  })
}

async function readRowGroup(file, metadata, index) {
  const groups = metadata.row_groups
  if (!(index >= 0 && index < groups.length)) fail(`no row group ${index} (${groups.length} in the file)`)
  let rowStart = 0
  for (let i = 0; i < index; i++) rowStart += Number(groups[i].num_rows)
  const rowEnd = rowStart + Number(groups[index].num_rows)
  const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, utf8: false })
  for (const row of rows) process.stdout.write(rowOut(row) + '\n')
}

/**
 * Decodes one row group from byte ranges fetched elsewhere. stdin: one JSON line
 * {"byteLength", "rowGroup", "pieces": [[offset, length], ...]} and then the pieces' bytes.
 * Any read outside the pieces fails: the reader never needs more than it was given.
 */
async function decode() {
  const input = await readStdin()
  const nl = input.indexOf(0x0a)
  if (nl < 0) fail('decode: missing header line')
  const header = JSON.parse(input.subarray(0, nl).toString('utf8'))
  const pieces = []
  let pos = nl + 1
  for (const [offset, length] of header.pieces) {
    pieces.push({ offset, bytes: input.subarray(pos, pos + length) })
    pos += length
  }
  if (pos !== input.length) fail(`decode: ${input.length - pos} unexpected trailing bytes`)
  const file = {
    byteLength: header.byteLength,
    slice(start, end = header.byteLength) {
      for (const p of pieces) {
        if (start >= p.offset && end <= p.offset + p.bytes.length) {
          const b = p.bytes.subarray(start - p.offset, end - p.offset)
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)
        }
      }
      throw new Error(`range ${start}-${end} was not fetched`)
    },
  }
  const tail = pieces.find(p => p.offset + p.bytes.length === header.byteLength)
  if (!tail) fail('decode: the footer piece is missing')
  const ab = tail.bytes.buffer.slice(tail.bytes.byteOffset, tail.bytes.byteOffset + tail.bytes.byteLength)
  await readRowGroup(file, parquetMetadata(ab), header.rowGroup)
}

/**
 * Reads one row group straight from a (presigned) URL with HTTP range requests, as hyparquet
 * does in a browser. Every response must be a 206: a 200 would mean a full download.
 */
async function readUrl(args) {
  const url = args[0]
  if (!url) fail('read-url needs a URL')
  const byteLength = Number(arg(args, '--byte-length'))
  const rowGroup = Number(arg(args, '--row-group', '0'))
  const ranges = []
  const fetchRanges = async (u, init) => {
    const res = await fetch(u, init)
    const range = new Headers(init?.headers).get('Range')
    ranges.push({ range, status: res.status, length: Number(res.headers.get('content-length')) })
    if (res.status !== 206) throw new Error(`expected 206 for ${range}, got ${res.status}`)
    return res
  }
  const file = await asyncBufferFromUrl({ url, byteLength, fetch: fetchRanges })
  const tailSize = Math.min(byteLength, 64 << 10)
  const tail = await file.slice(byteLength - tailSize, byteLength)
  let metadata
  try {
    metadata = parquetMetadata(tail)
  } catch {
    // Footer larger than the first guess: fetch exactly what it says it needs.
    const len = new DataView(tail).getUint32(tail.byteLength - 8, true)
    metadata = parquetMetadata(await file.slice(byteLength - len - 8, byteLength))
  }
  await readRowGroup(file, metadata, rowGroup)
  process.stderr.write(toJson({ ranges }) + '\n')
}

const [command, ...rest] = process.argv.slice(2)
const commands = { write, footer, decode, 'read-url': readUrl }
if (!commands[command]) fail(`usage: frames.mjs ${Object.keys(commands).join('|')} ...`)
commands[command](rest).catch(err => fail(err?.stack ?? String(err)))
