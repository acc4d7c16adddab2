// The interviewer's words read aloud with the browser's own speech synthesis (offline, no key).
// Streamlit's component protocol by hand (no build step): announce readiness, take "render" messages whose
// args are {text, id, autoplay}, and speak each new id once when autoplay is on. Browsers may refuse to speak
// before the page has been interacted with; the Listen button always works.
(function () {
  const button = document.getElementById("speak");
  const note = document.getElementById("note");
  let current = { text: "", id: "" };
  let spokenId = null;

  function send(type, extra) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, extra || {}), "*");
  }

  function speak() {
    if (!("speechSynthesis" in window)) {
      note.textContent = "This browser cannot read aloud.";
      return;
    }
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(current.text);
    utterance.lang = "en-US";
    utterance.onerror = function (event) {
      if (event.error === "not-allowed") note.textContent = "Press Listen to hear it.";
    };
    utterance.onstart = function () { note.textContent = ""; };
    window.speechSynthesis.speak(utterance);
  }

  button.addEventListener("click", speak);

  window.addEventListener("message", function (event) {
    const data = event.data || {};
    if (data.type !== "streamlit:render") return;
    const args = data.args || {};
    current = { text: String(args.text || ""), id: String(args.id || "") };
    button.disabled = !current.text;
    if (args.autoplay && current.id && current.id !== spokenId) {
      spokenId = current.id;
      speak();
    }
  });

  send("streamlit:componentReady", { apiVersion: 1 });
  send("streamlit:setFrameHeight", { height: 36 });
})();
