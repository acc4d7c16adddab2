// The answer recorder: a Streamlit v2 component (it runs in the app's page, not in an iframe).
//
// The browser's MediaRecorder encodes the answer while it is being spoken (Opus in WebM or Ogg, or AAC in MP4
// on Safari), in quarter-second slices, so pressing stop leaves almost nothing to encode: the recording is
// handed to the app at once, as a one-off trigger value ({id, mime, seconds, audio in base64}) that reruns only
// the voice panel and is not sent again with later reruns. data: {max_seconds, max_bytes, stop_at (the server's
// clock, in ms, when the question's time is up; null when untimed)}.

const FORMATS = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
const SLICE_MS = 250;
const MIN_SECONDS = 0.3; // a press and a release, not an answer
const TIME_UP_MARGIN_MS = 2000; // a take stops this long before the question's time is up, to reach the app first
const BITS_PER_SECOND = 32000; // plenty for speech in Opus; an eighth of 16 kHz 16-bit WAV

function chosenFormat() {
  if (typeof MediaRecorder === "undefined") return null;
  return FORMATS.find((format) => MediaRecorder.isTypeSupported(format)) ?? "";
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function newId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// Chromium's MediaRecorder writes WebM without a duration (it cannot know it while it streams), so players show
// no length and cannot seek. Once the take is over its length is known: write it into the file's Segment Info as
// a Duration element. Any surprise in the file's layout leaves the file as it was.
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const DURATION = 0x4489;
const TIMECODE_SCALE = 0x2ad7b1;

function readId(bytes, at) {
  const length = Math.clz32(bytes[at]) - 23; // 1 to 4 bytes, told by the first set bit of the first byte
  if (length < 1 || length > 4) throw new Error("not an EBML id");
  let id = 0;
  for (let i = 0; i < length; i += 1) id = id * 256 + bytes[at + i];
  return { id, next: at + length };
}

function readSize(bytes, at) {
  const length = Math.clz32(bytes[at]) - 23; // 1 to 8 bytes, the same way
  if (length < 1 || length > 8) throw new Error("not an EBML size");
  let size = bytes[at] & (0xff >> length);
  let unknown = size === 0xff >> length;
  for (let i = 1; i < length; i += 1) {
    size = size * 256 + bytes[at + i];
    unknown = unknown && bytes[at + i] === 0xff;
  }
  return { size: unknown ? Infinity : size, next: at + length };
}

function withDuration(bytes, seconds) {
  try {
    let at = readSize(bytes, readId(bytes, 0).next); // the EBML header
    at = at.next + at.size;
    const segment = readId(bytes, at);
    if (segment.id !== SEGMENT) return bytes;
    at = readSize(bytes, segment.next).next;
    const info = readId(bytes, at);
    if (info.id !== INFO) return bytes;
    const infoSize = readSize(bytes, info.next);
    const start = infoSize.next;
    const end = start + infoSize.size;
    let scale = 1000000;
    for (let child = start; child < end; ) {
      const element = readId(bytes, child);
      const size = readSize(bytes, element.next);
      if (element.id === DURATION) return bytes; // already there
      if (element.id === TIMECODE_SCALE) {
        scale = 0;
        for (let i = 0; i < size.size; i += 1) scale = scale * 256 + bytes[size.next + i];
      }
      child = size.next + size.size;
    }
    const duration = new Uint8Array(11);
    duration.set([0x44, 0x89, 0x88]); // the Duration id, then "8 bytes follow"
    new DataView(duration.buffer).setFloat64(3, (seconds * 1e9) / (scale || 1000000));
    const size = infoSize.size + duration.length;
    const header = new Uint8Array(8); // the new Info size, written in 8 bytes whatever its value
    header[0] = 0x01;
    for (let i = 7, rest = size; i >= 1; i -= 1, rest = Math.floor(rest / 256)) header[i] = rest % 256;
    const fixed = new Uint8Array(bytes.length + duration.length + header.length - (start - info.next));
    fixed.set(bytes.subarray(0, info.next), 0);
    fixed.set(header, info.next);
    fixed.set(bytes.subarray(start, end), info.next + 8);
    fixed.set(duration, info.next + 8 + infoSize.size);
    fixed.set(bytes.subarray(end), info.next + 8 + size);
    return fixed;
  } catch {
    return bytes;
  }
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function whyNot(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "The browser may not use the microphone. Allow it (the icon in the address bar), then press Record.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one, then press Record.";
    case "NotReadableError":
      return "The microphone is in use by another program, or the system refused it.";
    default:
      return `The recording could not start (${error?.name ?? "unknown error"}).`;
  }
}

function build(root) {
  root.querySelector(".recorder")?.remove(); // a second mount of the same instance; Streamlit's own nodes stay
  const box = document.createElement("div");
  box.className = "recorder";
  const label = document.createElement("div");
  label.className = "label";
  label.id = "recorder-label";
  label.textContent = "Answer out loud";
  box.setAttribute("role", "group");
  box.setAttribute("aria-labelledby", label.id);
  const bar = document.createElement("div");
  bar.className = "bar";
  const button = document.createElement("button");
  button.type = "button";
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.setAttribute("aria-hidden", "true");
  const caption = document.createElement("span");
  button.append(dot, caption);
  const level = document.createElement("canvas");
  level.className = "level";
  level.setAttribute("aria-hidden", "true");
  const time = document.createElement("span");
  time.className = "time";
  const status = document.createElement("div");
  status.className = "status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  bar.append(button, level, time);
  box.append(label, bar, status);
  root.append(box);
  return { box, button, caption, level, time, status };
}

// A rolling trace of how loud the microphone is, so the candidate sees it hears them.
function levelMeter(stream, canvas) {
  const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
  if (!Context) return () => {};
  const audio = new Context();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 512;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const heights = [];
  const pen = canvas.getContext("2d");
  const colour = getComputedStyle(canvas).color;
  let frame = 0;
  const draw = () => {
    analyser.getByteTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += ((sample - 128) / 128) ** 2;
    const width = (canvas.width = canvas.clientWidth * devicePixelRatio);
    const height = (canvas.height = canvas.clientHeight * devicePixelRatio);
    const step = 4 * devicePixelRatio;
    heights.push(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    heights.splice(0, Math.max(0, heights.length - Math.floor(width / step)));
    pen.fillStyle = colour;
    heights.forEach((loud, index) => {
      const tall = Math.max(devicePixelRatio, loud * height);
      pen.fillRect(index * step, (height - tall) / 2, step / 2, tall);
    });
    frame = requestAnimationFrame(draw);
  };
  frame = requestAnimationFrame(draw);
  return () => {
    cancelAnimationFrame(frame);
    audio.close();
  };
}

// How far this browser's clock is ahead of the app server's, from the Date header of a request to the app (to
// the second; half a round trip is added back). Zero if it cannot be told.
async function clockSkew() {
  try {
    const sent = Date.now();
    const reply = await fetch(location.href, { method: "HEAD", cache: "no-store" });
    const server = Date.parse(reply.headers.get("Date") ?? "");
    return Number.isFinite(server) ? (sent + Date.now()) / 2 - (server + 500) : 0;
  } catch {
    return 0;
  }
}

export default function recorder({ parentElement, data, setTriggerValue }) {
  const view = build(parentElement);
  const maxSeconds = Number(data?.max_seconds) > 0 ? Number(data.max_seconds) : 600;
  const maxBytes = Number(data?.max_bytes) > 0 ? Number(data.max_bytes) : 15 * 1024 * 1024;
  const stopAt = Number(data?.stop_at) > 0 ? Number(data.stop_at) : null; // the server's clock, in ms
  const skew = stopAt ? clockSkew() : Promise.resolve(0);
  let take = null; // the take being started or recorded: one at a time, however fast the button is pressed
  let closed = false;

  function show(recording, message) {
    view.box.classList.toggle("recording", recording);
    view.caption.textContent = recording ? "Stop" : "Record";
    view.button.setAttribute("aria-label", recording ? "Stop recording" : "Record");
    view.status.textContent = message ?? "";
  }

  async function msLeft() {
    return stopAt === null ? Infinity : stopAt + (await skew) - Date.now() - TIME_UP_MARGIN_MS;
  }

  async function start() {
    const current = { state: "starting" };
    take = current;
    const format = chosenFormat();
    if (format === null || !navigator.mediaDevices?.getUserMedia) {
      take = null;
      show(false, "This browser cannot record here: recording needs a current browser and an https:// or "
        + "localhost address. Type your answer instead.");
      return;
    }
    if ((await msLeft()) <= 0) {
      take = null;
      show(false, "The time for this question is up.");
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
      });
    } catch (error) {
      take = null;
      show(false, whyNot(error));
      return;
    }
    if (closed || current.state !== "starting") {
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    const options = { audioBitsPerSecond: BITS_PER_SECOND, ...(format ? { mimeType: format } : {}) };
    const recorder = new MediaRecorder(stream, options);
    const chunks = [];
    let bytes = 0;
    const started = performance.now();
    const quiet = levelMeter(stream, view.level);
    const deadline = performance.now() + Math.min(maxSeconds * 1000, await msLeft());
    Object.assign(current, { state: "recording", recorder });
    current.end = (why) => {
      if (current.state !== "recording") return;
      current.state = "stopping";
      current.why = why; // said again once the take is sent; a stop the candidate asked for needs no reason
      clearInterval(ticker);
      quiet();
      recorder.stop(); // its last slice, then onstop
      stream.getTracks().forEach((track) => track.stop());
      show(false, why ?? "Sending…");
    };
    recorder.ondataavailable = (event) => {
      if (!event.data.size) return;
      chunks.push(event.data);
      bytes += event.data.size;
      if (bytes >= maxBytes) current.end("The recording reached its size limit, so it was stopped and sent.");
    };
    recorder.onstop = () => {
      take = take === current ? null : take;
      finish(recorder, chunks, (performance.now() - started) / 1000, current.why);
    };
    const ticker = setInterval(() => {
      view.time.textContent = clock((performance.now() - started) / 1000);
      if (performance.now() >= deadline) {
        current.end(stopAt !== null && deadline - started < maxSeconds * 1000
          ? "Time is nearly up, so the recording was stopped and sent."
          : "The recording reached its length limit, so it was stopped and sent.");
      }
    }, 200);
    recorder.start(SLICE_MS);
    view.time.textContent = clock(0);
    show(true, "Recording…");
  }

  async function finish(recorder, chunks, seconds, why) {
    if (closed) return;
    const mime = (recorder.mimeType || chunks[0]?.type || "audio/webm").split(";")[0];
    let blob = new Blob(chunks, { type: mime });
    if (!blob.size || seconds < MIN_SECONDS) {
      show(false, seconds < MIN_SECONDS
        ? "That was too short to hold an answer: press Record, speak, then press Stop."
        : "Nothing was recorded. Check the microphone and press Record again.");
      return;
    }
    if (mime === "audio/webm") {
      blob = new Blob([withDuration(new Uint8Array(await blob.arrayBuffer()), seconds)], { type: mime });
    }
    try {
      const audio = await base64(blob);
      setTriggerValue("recording", { id: newId(), mime, seconds, audio });
      show(false, why ?? `Recorded ${clock(seconds)}.`);
    } catch (error) {
      show(false, `The recording could not be read (${error?.name ?? "error"}). Record again.`);
    }
  }

  view.button.addEventListener("click", () => {
    if (take === null) start();
    else if (take.state === "recording") take.end();
    // starting (waiting for the microphone) or stopping: the press is ignored, so no second recorder is started
  });
  show(false, "");

  return () => {
    closed = true;
    if (take?.state === "recording") take.end();
    take = null;
  };
}
