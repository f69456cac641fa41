import Phaser from 'phaser';

/** Renderer strings of WebGL implementations that run on the CPU. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * WebGL when the GPU draws it; the canvas renderer when WebGL would be emulated on the CPU (no
 * GPU, blocklisted drivers, VMs, headless test browsers). Emulated WebGL reads every frame back
 * for compositing and renders this game at a few frames a second where canvas keeps 60.
 * `?renderer=webgl|canvas` overrides the guess, e.g. to compare the two.
 */
export function chooseRenderer(search: string = window.location.search): number {
  const forced = new URLSearchParams(search).get('renderer');
  if (forced === 'webgl') return Phaser.WEBGL;
  if (forced === 'canvas') return Phaser.CANVAS;
  return hasHardwareWebGl() ? Phaser.WEBGL : Phaser.CANVAS;
}

function hasHardwareWebGl(): boolean {
  const gl = document.createElement('canvas').getContext('webgl', { failIfMajorPerformanceCaveat: true });
  if (!gl) return false;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    return !SOFTWARE_GL.test(name);
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
