/** Injection tokens for plain values of the platform. */
export const INSTANCE_DOMAIN = Symbol('InstanceDomain');
export const GRANTLINE_CONFIG = Symbol('GrantlineConfig');
