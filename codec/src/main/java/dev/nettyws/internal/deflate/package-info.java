/**
 * Not API: the implementation of permessage-deflate (RFC 7692): negotiation on both ends, the agreed parameters,
 * and the inflater and deflater handlers installed between the frame codec and the connection handler.
 */
package dev.nettyws.internal.deflate;
