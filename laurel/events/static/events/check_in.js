// Camera scanning for the check-in page, when the browser offers BarcodeDetector; typing always works.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("scan-button");
    var video = document.getElementById("scan-video");
    var form = document.getElementById("check-in-form");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var scan = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              form.elements.code.value = codes[0].rawValue;
              form.submit();
            } else {
              window.requestAnimationFrame(scan);
            }
          }).catch(function () { window.requestAnimationFrame(scan); });
        };
        scan();
      }).catch(function () {
        button.hidden = true;
      });
    });
  });
})();
