/*! tinyvendor 1.2.0 | MIT | already content-hashed by the bundler: dsctl copies it as is */
(function(){"use strict";var w=typeof window!=="undefined"?window:{};w.tinyvendor={version:"1.2.0",ready:function(f){document.readyState!=="loading"?f():document.addEventListener("DOMContentLoaded",f)}}})();
