/**
 * The permessage-deflate extension (RFC 7692): whole data messages compressed with DEFLATE. One
 * {@link dev.nettyws.extension.deflate.PerMessageDeflateConfig}, set with {@code compression(...)} on a server's or a
 * client's configuration, decides what is offered or accepted and how this end compresses; negotiation and the
 * inflater and deflater handlers it installs next to the frame codec are internal.
 */
package dev.nettyws.extension.deflate;
