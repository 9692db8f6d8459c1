/**
 * Secret environment values: {@link dev.corral.secret.Secrets} names them, gives them to tests and masks them as
 * {@code ***} in text ({@link dev.corral.secret.Secrets#mask(String)}), in streams while they are written
 * ({@link dev.corral.secret.MaskedOutput}) and in collected files ({@link dev.corral.secret.Secrets#maskTree}).
 */
package dev.corral.secret;
