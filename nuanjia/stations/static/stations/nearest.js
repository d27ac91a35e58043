// The nearest-station page: fill in the phone's location (WGS-84, from the browser) and search.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !("geolocation" in navigator)) { return; }
  var button = form.querySelector("[data-locate]");
  var status = form.querySelector("[data-locate-status]");
  var lat = form.querySelector("[data-lat]");
  var lng = form.querySelector("[data-lng]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      form.submit();
    }, function (error) {
      status.textContent = error.message;
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
