// The full-screen viewer of an album page: PhotoSwipe over the justified rows.
// Without JavaScript, or before this module runs, the links open photo pages.
// While a photo is open the address bar shows its page, Back closes the
// viewer, and closing focuses the thumbnail of the photo last seen.
import PhotoSwipeLightbox from "./vendor/photoswipe/photoswipe-lightbox.esm.min.js";

const VENDOR = new URL("./vendor/photoswipe/", import.meta.url);
const SLIDESHOW_DELAY = 4000; // milliseconds per photo
const ICON = '<svg aria-hidden="true" class="pswp__icn" viewBox="0 0 32 32" width="32" height="32">';
const ICONS = {
  download: ICON + '<path d="M20.5 14.3 17.1 18V10h-2.2v7.9l-3.4-3.6L10 16l6 6.1 6-6.1ZM23 23H9v2h14Z"/></svg>',
  play: ICON + '<path d="M12 9v14l11-7z"/></svg>',
  pause: ICON + '<path d="M11 9h4v14h-4zM17 9h4v14h-4z"/></svg>',
};

const list = document.querySelector(".gallery-photos[data-viewer]");
if (list) {
  start(list, JSON.parse(list.dataset.viewer));
}

/** Size of a width × height image fitted in box, never enlarged. */
function fitted(width, height, box) {
  const factor = Math.min(box[0] / width, box[1] / height, 1);
  return [Math.max(Math.round(width * factor), 1), Math.max(Math.round(height * factor), 1)];
}

/** PhotoSwipe's data of one photo, from its link and the list's presets. */
function itemData(config, measured, link) {
  const pk = link.dataset.pk;
  const url = (pattern) => pattern.replace(config.key, pk);
  const image = link.querySelector("img");
  const size = measured.get(pk) || (link.dataset.size || "").split("x").map(Number);
  const data = {
    element: link,
    pk: pk,
    page: link.href,
    original: url(config.original),
    alt: image.alt,
    msrc: image.currentSrc || image.src,
    thumbCropped: !link.dataset.size,
  };
  const presets = config.presets;
  const largest = presets[presets.length - 1];
  if (size.length === 2 && size[0] > 0) {
    const sources = presets
      .map(([pattern, ...box]) => [url(pattern), fitted(size[0], size[1], box)])
      .filter(([, [width]], index, all) => index === all.findIndex(([, [w]]) => w === width));
    [data.src, [data.width, data.height]] = sources[sources.length - 1];
    data.srcset = sources.map(([src, [width]]) => `${src} ${width}w`).join(", ");
  } else {
    // Not measured yet: shown once loaded, at the size it turns out to have.
    [data.src, data.width, data.height, data.unknown] = [url(largest[0]), largest[1], largest[2], true];
  }
  return data;
}

function start(list, config) {
  if (!config.presets.length) {
    return; // no preset to show photos in: the links open photo pages
  }
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("photoswipe.css", VENDOR).href;
  document.head.append(stylesheet);
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const measured = new Map();
  const labels = config.labels;
  const lightbox = new PhotoSwipeLightbox({
    gallery: list,
    children: "a",
    pswpModule: () => import(new URL("photoswipe.esm.min.js", VENDOR).href),
    bgOpacity: 1,
    preload: [1, 2],
    returnFocus: false,
    showHideAnimationType: reduced ? "none" : "zoom",
    zoomAnimationDuration: reduced ? 0 : 333,
    closeTitle: labels.close,
    zoomTitle: labels.zoom,
    arrowPrevTitle: labels.previous,
    arrowNextTitle: labels.next,
    errorMsg: labels.error,
  });
  lightbox.addFilter("domItemData", (data, element, link) => itemData(config, measured, link));
  lightbox.on("uiRegister", () => registerButtons(lightbox.pswp, labels));
  lightbox.on("loadComplete", ({ content, slide }) => {
    const image = content.element;
    if (content.data.unknown && image && image.naturalWidth && slide) {
      measured.set(content.data.pk, [image.naturalWidth, image.naturalHeight]);
      lightbox.pswp.refreshSlideContent(slide.index);
    }
  });
  followAddressBar(lightbox);
  lightbox.init();
}

/** Download, slideshow and a live region that announces each photo. */
function registerButtons(pswp, labels) {
  pswp.element.setAttribute("aria-label", labels.viewer);
  pswp.ui.registerElement({
    name: "download",
    order: 8,
    isButton: true,
    tagName: "a",
    title: labels.download,
    html: ICONS.download,
    onInit: (element) => {
      element.setAttribute("download", "");
      element.setAttribute("aria-label", labels.download);
      pswp.on("change", () => {
        element.href = pswp.currSlide.data.original;
      });
    },
  });
  pswp.ui.registerElement({
    name: "slideshow",
    order: 9,
    isButton: true,
    title: labels.play,
    html: ICONS.play,
    onInit: (element) => slideshow(pswp, element, labels),
  });
  pswp.ui.registerElement({
    name: "announce",
    appendTo: "root",
    onInit: (element) => {
      element.className = "gallery-sr-only";
      element.setAttribute("aria-live", "polite");
      pswp.on("change", () => {
        const data = pswp.currSlide.data;
        const position = labels.position
          .replace("{index}", pswp.currIndex + 1)
          .replace("{total}", pswp.getNumItems());
        element.textContent = `${data.alt}, ${position}`;
      });
    },
  });
}

/** A button that moves to the next photo every few seconds until pressed again. */
function slideshow(pswp, button, labels) {
  let timer = null;
  const show = (playing) => {
    button.innerHTML = playing ? ICONS.pause : ICONS.play;
    button.title = playing ? labels.pause : labels.play;
    button.setAttribute("aria-label", button.title);
    button.setAttribute("aria-pressed", String(playing));
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    show(false);
  };
  button.addEventListener("click", () => {
    if (timer) {
      stop();
      return;
    }
    timer = setInterval(() => pswp.next(), SLIDESHOW_DELAY);
    show(true);
  });
  show(false);
  pswp.on("destroy", stop);
}

/** The address bar shows the open photo's page; Back closes the viewer. */
function followAddressBar(lightbox) {
  let pushed = false;
  let current = null; // the link of the photo shown
  lightbox.on("change", () => {
    const data = lightbox.pswp.currSlide.data;
    current = data.element;
    if (!pushed) {
      history.pushState({ galleryViewer: true }, "", data.page);
      pushed = true;
    } else if (location.href !== data.page) {
      history.replaceState({ galleryViewer: true }, "", data.page);
    }
  });
  window.addEventListener("popstate", () => {
    if (pushed && lightbox.pswp) {
      pushed = false; // Back already left the photo's address
      lightbox.pswp.close();
    }
  });
  lightbox.on("close", () => {
    if (pushed) {
      pushed = false;
      history.back();
    }
  });
  lightbox.on("destroy", () => {
    if (current) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  });
}
