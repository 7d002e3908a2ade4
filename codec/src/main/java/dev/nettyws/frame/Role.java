package dev.nettyws.frame;

/**
 * Which end of the connection this pipeline is. The role decides masking (RFC 6455 §5.1, §5.3): a client masks
 * every frame it sends and a server none; a server must fail a connection on an unmasked frame and a client on a
 * masked one. Immutable; holds no buffers.
 */
public enum Role {
    /** The accepting end: reads masked frames, writes unmasked ones. */
    SERVER,
    /** The connecting end: reads unmasked frames, writes masked ones. */
    CLIENT;

    /** Whether frames this role sends are masked. */
    public boolean masksOutbound() {
        return this == CLIENT;
    }

    /** Whether frames this role receives must be masked. */
    public boolean expectsMaskedInbound() {
        return this == SERVER;
    }
}
