// For the real-browser tests: the browser's speech synthesis, recorded instead of played (headless Chromium has
// no voices). Every frame gets it, the read-aloud component's included. (speechSynthesis is a getter on Window's
// prototype, so it is defined on the window itself.)
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speak: function (utterance) { window.__spoken.push(utterance.text); if (utterance.onstart) utterance.onstart(); },
    cancel: function () {},
  },
});
