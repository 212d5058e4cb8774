/**
 * A local HTTP server that behaves like Kuaidi100's tracking API (real-time query, carrier
 * detection, push subscription and pushes) and speaks its wire format, for tests, the demo and
 * benchmarks. It listens on 127.0.0.1 only and pushes only to loopback callback URLs.
 */
export { EXPIRED_ACCOUNT, FAKE_ACCOUNT, FREE_ACCOUNT, type SandboxAccount } from './accounts';
export { PHONE_GUARDED_CARRIERS, SUBSCRIPTION_REFUSED_CARRIER } from './carriers';
export { DETECTION_MESSAGES } from './autonumber';
export type { FaultKind, FaultOptions } from './faults';
export type { PushEventInput, PushOptions, PushResult, PushStatus } from './push';
export { startSandbox, type RecordedPush, type RecordedRequest, type Sandbox, type SandboxOptions } from './server';
export { md5Upper, pushSign, querySign } from './signing';
export { SUBSCRIBE_MESSAGES, type MonitorStatus, type Subscription } from './subscribe';
export * from './waybills';
