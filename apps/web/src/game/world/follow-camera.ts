import type Phaser from 'phaser';

/** How quickly the camera closes the gap to where it wants to be, per second. */
const STIFFNESS = 4.5;
/** Seconds of travel the camera looks ahead, so you see what you are flying into. */
const LOOK_AHEAD = 0.3;
/** Look-ahead never pushes the ship further than this fraction of the view from the centre. */
const MAX_LOOK_AHEAD = 0.22;
/** Zoom out a little on small screens so there is still room to manoeuvre; never zoom in. */
const COMFORTABLE_VIEW = 900;
const MIN_ZOOM = 0.75;

export interface CameraTarget {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/**
 * Follows the own ship with frame-rate independent exponential smoothing. Phaser's built-in
 * follow lerps by a fixed fraction per frame, which moves differently at 30, 60 or 144 fps.
 */
export class FollowCamera {
  private x = 0;
  private y = 0;
  private hasTarget = false;

  constructor(private readonly camera: Phaser.Cameras.Scene2D.Camera) {}

  update(target: CameraTarget | null, dt: number): void {
    const cam = this.camera;
    const zoom = Math.max(MIN_ZOOM, Math.min(1, Math.min(cam.width, cam.height) / COMFORTABLE_VIEW));
    if (cam.zoom !== zoom) cam.setZoom(zoom);

    if (target) {
      const limitX = (cam.width / zoom) * MAX_LOOK_AHEAD;
      const limitY = (cam.height / zoom) * MAX_LOOK_AHEAD;
      const wantX = target.x + clamp(target.vx * LOOK_AHEAD, limitX);
      const wantY = target.y + clamp(target.vy * LOOK_AHEAD, limitY);
      if (this.hasTarget) {
        const k = 1 - Math.exp(-STIFFNESS * dt);
        this.x += (wantX - this.x) * k;
        this.y += (wantY - this.y) * k;
      } else {
        // First sight of the ship (or after a reconnect put it elsewhere): cut, don't swoop.
        this.x = wantX;
        this.y = wantY;
        this.hasTarget = true;
      }
    } else {
      this.hasTarget = false;
    }
    cam.centerOn(this.x, this.y);
  }
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}
