/**
 * The FMF engine: loads fmf metadata trees and answers exactly as python fmf 1.7 does.
 *
 * <p>Entry points: {@link dev.corral.fmf.Tree#load(java.nio.file.Path)} (root discovery, {@code .fmf/version},
 * {@code .fmf/config}, the directory walk, scattered definitions, YAML 1.2, inheritance with the merge suffixes
 * {@code + +< - ~ -~}), {@link dev.corral.fmf.Tree#adjust(dev.corral.fmf.Context)} ({@code adjust} rules with
 * fmf's context language and three-valued logic), {@link dev.corral.fmf.Tree#climb()} and
 * {@link dev.corral.fmf.Tree#prune} (fmf's selection and {@link dev.corral.fmf.Filter} expressions), and
 * {@link dev.corral.fmf.FmfJson} for {@code {"nodes":[...]}} output. Every refusal is a
 * {@link dev.corral.fmf.FmfException} naming the file and line where known. The package knows nothing about tmt.
 *
 * <p>Fidelity notes: YAML is read as the reference's loader (ruamel.yaml over libyaml) reads it, including its
 * refusal of {@code :} inside plain scalars of flow collections; Python regular expressions, {@code str()},
 * {@code ==} and {@code +} are emulated where fmf relies on them; the reference's in-place merges are reproduced,
 * with copy-on-write of data shared between nodes.
 *
 * <p>Performance: files are read and parsed in parallel (one fork/join task per directory); most files take a fast
 * YAML path for the plain shapes fmf files use, the full parser handles the rest; node data is shared between a
 * tree and its adjusted copy until a rule changes it; decisions are memoized per rule. A short-lived process (such
 * as {@code corral fmf --json}) spends much of its time warming up the JVM: running it with
 * {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} and a class-data-sharing or AOT cache helps the most.
 */
package dev.corral.fmf;
