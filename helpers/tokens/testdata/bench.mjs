// bench.mjs measures the throughput of the npm package tiktoken (the WASM build of OpenAI's Rust tokenizer)
// on a corpus file, printing lines in the format of helpers/tokens/bench (run.sh runs both).
//
//	node bench.mjs go.txt,prose.txt o200k_base,cl100k_base 5
import { get_encoding } from "tiktoken";
import { readFileSync } from "node:fs";

const [files, encodings = "o200k_base,cl100k_base", runsArg = "3"] = process.argv.slice(2);
const runs = Number(runsArg);
const version = JSON.parse(readFileSync(new URL("./node_modules/tiktoken/package.json", import.meta.url))).version;

// FNV-1a 64 of the ids as little-endian uint32s, as the Go program computes it.
function hashIDs(ids) {
  let h = 0xcbf29ce484222325n;
  const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

for (const file of files.split(",")) {
  const data = readFileSync(file);
  const text = data.toString("utf8");
  const corpus = file.split("/").pop();
  for (const name of encodings.split(",")) {
    const enc = get_encoding(name);
    enc.encode_ordinary("warm up");
    const speeds = [];
    const cpu = [];
    let ids;
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      ids = enc.encode_ordinary(text);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const used = process.cpuUsage(cpuStart);
      speeds.push(data.length / 1e6 / seconds);
      cpu.push(data.length / ((used.user + used.system) || 1));
    }
    speeds.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const med = speeds[Math.floor(speeds.length / 2)];
    console.log(
      `${"node tiktoken " + version}`.padEnd(22) +
        ` ${corpus.padEnd(10)} ${name.padEnd(12)} ${med.toFixed(2).padStart(7)} MB/s  ${String(ids.length).padStart(9)} tokens  ids fnv1a ${hashIDs(ids)}` +
        `  (${runs} runs, ${speeds[0].toFixed(2)}-${speeds[speeds.length - 1].toFixed(2)} MB/s; per CPU second ${cpu[Math.floor(cpu.length / 2)].toFixed(2)} MB/s)`,
    );
    enc.free();
  }
}
