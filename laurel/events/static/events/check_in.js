// Check-in by camera at the door. BarcodeDetector where the browser has it, else jsQR (a static file, loaded
// only when needed) over the video's frames. Each code is posted in the background and the answer shown in big
// letters while the camera keeps scanning; typing a code always works without any of this.
(function () {
  "use strict";
  var SAME_CODE_PAUSE_MS = 3000;

  function loadJsQR(src) {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(window.jsQR); return; }
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function detectorFor(video, jsqrSrc) {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      });
    }
    return loadJsQR(jsqrSrc).then(function (jsQR) {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        if (!video.videoWidth) { return Promise.resolve(null); }
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? found.data : null);
      };
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("scan-button");
    var video = document.getElementById("scan-video");
    var form = document.getElementById("check-in-form");
    var result = document.getElementById("scan-result");
    if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    button.hidden = false;
    var last = { code: null, at: 0 };
    var accepted = new Set();  // a pass held to the camera stays green: an accepted code is not posted again

    function show(ok, message) {
      result.hidden = false;
      result.textContent = message;
      result.className = "scan-result " + (ok ? "scan-ok" : "scan-refused");
    }

    function post(code) {
      var body = new FormData(form);
      body.set("code", code);
      return fetch(form.action || window.location.href, {
        method: "POST",
        body: body,
        headers: { "X-Laurel-Scanner": "1" },
        credentials: "same-origin",
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") !== 0) { throw new Error("not an answer"); }
        return response.json().then(function (answer) {
          if (answer.ok) { accepted.add(code); }
          show(answer.ok, answer.message);
        });
      }).catch(function () { show(false, button.dataset.offline); });
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        return detectorFor(video, button.dataset.decoder).then(function (detect) {
          var tick = function () {
            detect().then(function (code) {
              var now = Date.now();
              if (code && !accepted.has(code) && (code !== last.code || now - last.at > SAME_CODE_PAUSE_MS)) {
                last = { code: code, at: now };
                return post(code);
              }
              return null;
            }).catch(function () { return null; }).then(function () { window.setTimeout(tick, 150); });
          };
          tick();
        });
      }).catch(function () {
        button.disabled = false;
        show(false, button.dataset.nocamera);
      });
    });
  });
})();
