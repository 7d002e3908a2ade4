/**
 * The permessage-deflate extension (RFC 7692): whole data messages compressed with DEFLATE. Negotiation on the
 * server ({@link dev.nettyws.extension.deflate.PerMessageDeflateServerNegotiator}) and on the client
 * ({@link dev.nettyws.extension.deflate.PerMessageDeflateClientNegotiator}), both configured by one
 * {@link dev.nettyws.extension.deflate.PerMessageDeflateConfig}; the agreed parameters in
 * {@link dev.nettyws.extension.deflate.PerMessageDeflateParameters}; and the two handlers that sit between the frame
 * codec and the rest of the pipeline: {@link dev.nettyws.extension.deflate.PerMessageInflater} (inbound, bounded by
 * the message size limit) and {@link dev.nettyws.extension.deflate.PerMessageDeflater} (outbound).
 */
package dev.nettyws.extension.deflate;
