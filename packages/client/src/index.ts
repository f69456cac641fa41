export * from './api.js';
export { BaselineStore, type DropReason } from './baseline-store.js';
export * from './chat/index.js';
export { ClientLink, type ClientLinkOptions } from './client-link.js';
export { Emitter } from './emitter.js';
export { FixedStepper } from './fixed-stepper.js';
export { GameClient } from './game-client.js';
export { InterpolationBuffer, type InterpolationBufferOptions } from './interpolation-buffer.js';
export { angleDelta, lerp, lerpAngle, OWN_ANGLE_INDEX, wrapAngle } from './math.js';
export { Predictor, type PredictorOptions } from './predictor.js';
export { isPermanentHandshakeRefusal, isPermanentJoinRefusal, isSessionRefusal } from './refusals.js';
export { ServerClock, type ServerClockOptions } from './server-clock.js';
export {
  SessionAuth,
  type SessionAuthEvents,
  type SessionAuthOptions,
  SessionError,
} from './session-auth.js';
